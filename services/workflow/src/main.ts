// The workflow service: see the issue; wired in main.ts once the engine core lands.
export {};
