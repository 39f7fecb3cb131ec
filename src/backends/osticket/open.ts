import type { Ctx } from '../../context.js';
import type { TicketStore } from '../types.js';
import { BackendError } from '../../errors.js';

// Wired to the osTicket store once it lands.
export async function openOsTicketStore(_ctx: Ctx): Promise<TicketStore> {
  throw new BackendError('The osTicket backend is not available in this build.');
}
