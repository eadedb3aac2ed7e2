/** Event-log topics (Kafka topics in production, embedded log files by default). */
export const TOPICS = {
  encounters: 'ews.encounters.v1',
  labs: 'ews.labs.v1',
  deadletter: 'ews.deadletter.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
