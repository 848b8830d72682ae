export * from './errors.js';
export * from './ids.js';
export * from './time.js';
export * from './scope.js';
export * from './model/index.js';
export * from './areas.js';
