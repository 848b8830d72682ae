export * from './feeds.js';
export * from './vulns.js';
