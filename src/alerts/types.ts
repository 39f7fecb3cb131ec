import type { Observable, Severity } from '../domain/types.js';

export const ALERT_FORMATS = [
  'soc-ticket', // the project's own alert JSON
  'wazuh',
  'wazuh5',
  'suricata',
  'elastic',
  'splunk',
  'alertmanager',
  'graylog',
  'generic',
] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** An alert from any SIEM, reduced to what a ticket needs. Every string in it is attacker-controlled. */
export interface NormalisedAlert {
  format: AlertFormat;
  title: string;
  severity: Severity;
  /** ISO 8601 in UTC (`2024-01-02T03:04:05.123Z`). */
  time: string;
  description?: string;
  host?: string;
  srcIp?: string;
  dstIp?: string;
  ruleId?: string;
  ruleName?: string;
  mitre: string[];
  observables: Observable[];
  category?: string;
  /** Stable per format: the same underlying alert always yields the same key. */
  dedupKey: string;
  /** Alertmanager `resolved`: update the existing ticket, open none. */
  status?: 'firing' | 'resolved';
  /** The original event, exactly as read, kept with the ticket. */
  raw: string;
}
