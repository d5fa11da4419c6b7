export * from './ids.js';
export * from './errors.js';
export * from './views.js';
export * from './contract.js';
export * from './notices.js';
