/** The broker's version (LOANFLOW_KAFKA_VERSION, as infra.js runs it). */
export declare const KAFKA_VERSION: string;
/** Apache Kafka's console consumer class (kafka-tools). */
export declare const CONSOLE_CONSUMER: string;
/** The tools' Java class path, fetching org.apache.kafka:kafka-tools with Maven on first use. */
export declare function kafkaToolsClassPath(): Promise<string>;
export declare function toolsDir(): string;
