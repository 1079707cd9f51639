export type EndpointKey =
  | 'DATABASE_URL'
  | 'NATS_URL'
  | 'KAFKA_BROKERS'
  | 'S3_ENDPOINT'
  | 'S3_ACCESS_KEY'
  | 'S3_SECRET_KEY'
  | 'S3_REGION';

export type Endpoints = Record<EndpointKey, string>;

export declare const ENDPOINT_KEYS: readonly EndpointKey[];
export declare const DEFAULTS: Readonly<Endpoints>;
/** State folder: $LOANFLOW_INFRA_HOME or ~/.cache/loanflow-infra. */
export declare function infraHome(): string;
export declare function endpointsFile(): string;
/** Contents of endpoints.json written by `infra.js up`, or null when missing. */
export declare function loadEndpoints(): Partial<Endpoints> | null;
/** Environment variable, else endpoints.json, else default, for every key. */
export declare function resolveEndpoints(): Endpoints;
export declare function writeEndpoints(endpoints: Partial<Endpoints>): string;
