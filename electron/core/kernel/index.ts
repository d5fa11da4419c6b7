// The kernel's public surface: what every feature and the composition root use of it (issue #12 §1).
export { createEventBus, type EventBus, type Listener } from './events.js';
export { late, type Late } from './late.js';
export {
  wireLifecycle,
  LIFECYCLE_HOOKS,
  type Lifecycle,
  type LifecycleHook,
  type LifecycleSource,
  type WiredLifecycle,
} from './lifecycle.js';
export {
  createPipeline,
  CommitFailure,
  FIRST_COMMIT_STAGE,
  RECEIVE_STAGES,
  type PipelineOptions,
  type Stage,
  type StageName,
} from './pipeline.js';
