// OWNED BY: ops — `npm run ops -- <command>` (status, scale, restart, eod) on the Kubernetes API.
export {};
