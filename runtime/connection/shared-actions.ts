import { encodeAlert, type Alert, type KeyUpdate } from '../../generated/wire/index.js';
import type { AlertDescription } from '../../generated/wire/enums.js';
import { failWith, recordPeerAlert } from './common-actions.js';
import type { HandshakeContext } from './context.js';
import { receiveKeyUpdate, sendKeyUpdate } from './key-update.js';

/** The part of an event the shared actions look at (both charts' events fit it). */
type SharedEvent =
  | { readonly type: 'KeyUpdate'; readonly payload: KeyUpdate }
  | { readonly type: 'fail'; readonly payload: AlertDescription }
  | { readonly type: 'alertReceived'; readonly payload: Alert }
  | { readonly type: string };

/** The actions both roles' charts name alike: post-handshake KeyUpdate, closing, and the fatal path. */
export function connectedAndFatalActions(ctx: HandshakeContext, emit: (d: Uint8Array) => void) {
  return {
    applyKeyUpdate: ({ event }: { readonly event: SharedEvent }): void => {
      if (event.type === 'KeyUpdate' && 'payload' in event) receiveKeyUpdate(ctx, emit, event.payload as KeyUpdate);
    },
    sendKeyUpdate: (): void => sendKeyUpdate(ctx, emit, ctx.requestPeerKeyUpdate),
    sendCloseNotify: (): void => {
      emit(ctx.records.seal('alert', encodeAlert({ level: 'warning', description: 'close_notify' })));
      ctx.flight.stop();
      ctx.events.push({ type: 'closed', reason: 'local' });
    },
    reportClosed: (): void => {
      ctx.flight.stop();
      ctx.events.push({ type: 'closed', reason: 'close_notify' });
    },
    sendFatalAlert: ({ event }: { readonly event: SharedEvent }, params: { readonly alert: string } | undefined): void => {
      const fromEvent = event.type === 'fail' && 'payload' in event && typeof event.payload === 'string' ? event.payload : 'internal_error';
      const alert = (params?.alert ?? fromEvent) as Parameters<typeof failWith>[2];
      failWith(ctx, emit, alert, ctx.lastError ?? `fatal alert ${alert}`);
    },
    recordPeerAlert: ({ event }: { readonly event: SharedEvent }): void => {
      if (event.type === 'alertReceived' && 'payload' in event) recordPeerAlert(ctx, event.payload as Alert);
    },
  };
}
