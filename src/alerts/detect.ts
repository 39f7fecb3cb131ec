// Which format an object is in. Checked per object, most specific shapes first, so one input
// may mix formats; `--format NAME` skips detection.

import { ALERT_FORMATS, type AlertFormat } from './types.js';
import { isObj } from './fields.js';
import type { AlertFormatHandler } from './formats/common.js';
import { alertmanager } from './formats/alertmanager.js';
import { elastic } from './formats/elastic.js';
import { generic } from './formats/generic.js';
import { graylog } from './formats/graylog.js';
import { socTicket } from './formats/soc-ticket.js';
import { splunk } from './formats/splunk.js';
import { suricata } from './formats/suricata.js';
import { wazuh } from './formats/wazuh.js';
import { wazuh5 } from './formats/wazuh5.js';

export const FORMATS: Readonly<Record<AlertFormat, AlertFormatHandler>> = {
  'soc-ticket': socTicket,
  wazuh,
  wazuh5,
  suricata,
  elastic,
  splunk,
  alertmanager,
  graylog,
  generic,
};

/**
 * Detection order. Envelopes with unmistakable keys first (alertmanager `alerts[]`+`groupKey`,
 * graylog `event_definition_id`, splunk `result`+`sid`), then Elastic (`kibana.alert.*`, which
 * may embed ECS fields of other sources), Wazuh 5 (`wazuh.rule`) before Wazuh 4 (`rule.level`),
 * Suricata (`event_type`), and the loosest shape, soc-ticket (`title`), last.
 */
export const DETECT_ORDER: readonly AlertFormat[] = ['alertmanager', 'graylog', 'splunk', 'elastic', 'wazuh5', 'wazuh', 'suricata', 'soc-ticket'];

export function isAlertFormat(s: string): s is AlertFormat {
  return (ALERT_FORMATS as readonly string[]).includes(s);
}

export function getFormat(name: AlertFormat): AlertFormatHandler {
  return FORMATS[name];
}

/**
 * The format of one parsed object, or undefined. With `generic` set (a field mapping is
 * configured), an otherwise unrecognised object is `generic`.
 */
export function detectFormat(obj: unknown, opts: { generic?: boolean } = {}): AlertFormat | undefined {
  if (!isObj(obj)) return undefined;
  for (const name of DETECT_ORDER) {
    if (FORMATS[name].detect(obj)) return name;
  }
  return opts.generic ? 'generic' : undefined;
}
