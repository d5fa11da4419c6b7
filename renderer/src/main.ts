// Entry point: mount the app. All state lives in App (no module-level singletons doing work).
import { mount } from 'svelte';
import './styles/theme.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
mount(App, { target });
