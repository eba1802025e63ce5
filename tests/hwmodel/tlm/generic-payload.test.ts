import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { DtlsExtension } from '../../../hwmodel/tlm/dtls-extension.js';
import { TlmExtension } from '../../../hwmodel/tlm/extension.js';
import { GenericPayload } from '../../../hwmodel/tlm/generic-payload.js';
import { PayloadPool } from '../../../hwmodel/tlm/payload-pool.js';
import {
  isResponseError,
  isResponseOk,
  responseString,
  TlmResponseStatus,
  type ResponseStatus,
} from '../../../hwmodel/tlm/response-status.js';
import { TlmError } from '../../../hwmodel/tlm/tlm-error.js';

/** A second extension class, to check keying by class. */
class TagExtension extends TlmExtension {
  tag: string;
  constructor(tag: string) {
    super();
    this.tag = tag;
  }
  override clone(): TagExtension {
    return new TagExtension(this.tag);
  }
  override copyFrom(other: TagExtension): void {
    this.tag = other.tag;
  }
}

const ext = (recordNumber = 7, cid?: Uint8Array): DtlsExtension =>
  new DtlsExtension({ contentType: 23, epoch: 3, recordNumber, cid });

test('defaults follow the standard: ignore command, incomplete status, no extensions', (t) => {
  const gp = new GenericPayload();
  t.is(gp.command, 'ignore');
  t.is(gp.responseStatus, 'incomplete');
  t.is(gp.dataLength, 0);
  t.is(gp.byteEnables, undefined);
  t.false(gp.dmiAllowed);
  t.false(gp.hasMm);
  t.is(gp.extensionCount, 0);
  t.is(gp.responseString(), 'TLM_INCOMPLETE_RESPONSE');
});

test('the seven response statuses: strings, ok only for ok, incomplete counts as an error', (t) => {
  const expected: Record<ResponseStatus, string> = {
    ok: 'TLM_OK_RESPONSE',
    incomplete: 'TLM_INCOMPLETE_RESPONSE',
    generic_error: 'TLM_GENERIC_ERROR_RESPONSE',
    address_error: 'TLM_ADDRESS_ERROR_RESPONSE',
    command_error: 'TLM_COMMAND_ERROR_RESPONSE',
    burst_error: 'TLM_BURST_ERROR_RESPONSE',
    byte_enable_error: 'TLM_BYTE_ENABLE_ERROR_RESPONSE',
  };
  const all = Object.values(TlmResponseStatus);
  t.is(all.length, 7);
  const gp = new GenericPayload();
  for (const s of all) {
    gp.responseStatus = s;
    t.is(gp.responseString(), expected[s]);
    t.is(responseString(s), expected[s]);
    t.is(gp.isResponseOk(), s === 'ok', s);
    t.is(gp.isResponseError(), s !== 'ok', s);
    t.is(isResponseOk(s), !isResponseError(s));
  }
});

test('extensions are keyed by class: set, get, replace, clear', (t) => {
  const gp = new GenericPayload();
  const a = ext(1);
  t.is(gp.setExtension(a), undefined);
  t.is(gp.setExtension(new TagExtension('x')), undefined);
  t.is(gp.getExtension(DtlsExtension), a);
  t.is(gp.getExtension(TagExtension)?.tag, 'x');
  const b = ext(2);
  t.is(gp.setExtension(b), a, 'setExtension returns the one it replaced');
  t.is(gp.getExtension(DtlsExtension)?.recordNumber, 2);
  gp.clearExtension(DtlsExtension);
  t.is(gp.getExtension(DtlsExtension), undefined);
  t.is(gp.getExtension(TagExtension)?.tag, 'x');
  t.is(gp.extensionCount, 1);
  gp.clearAllExtensions();
  t.is(gp.extensionCount, 0);
});

test('reset restores attributes, drops auto extensions, keeps sticky ones', (t) => {
  const gp = new GenericPayload();
  gp.command = 'write';
  gp.address = 0x1000;
  gp.data = Uint8Array.of(1, 2, 3);
  gp.dataLength = 3;
  gp.byteEnables = Uint8Array.of(0xff);
  gp.byteEnableLength = 1;
  gp.streamingWidth = 4;
  gp.dmiAllowed = true;
  gp.responseStatus = 'ok';
  const sticky = ext();
  gp.setExtension(sticky);
  gp.setAutoExtension(new TagExtension('auto'));
  gp.reset();
  t.is(gp.command as string, 'ignore');
  t.is(gp.address, 0);
  t.is(gp.dataLength, 0);
  t.is(gp.data.length, 0);
  t.is(gp.byteEnables as Uint8Array | undefined, undefined);
  t.is(gp.byteEnableLength, 0);
  t.is(gp.streamingWidth, 0);
  t.false(gp.dmiAllowed);
  t.is(gp.responseStatus as string, 'incomplete');
  t.is(gp.getExtension(DtlsExtension), sticky);
  t.is(gp.getExtension(TagExtension), undefined);
});

test('deepCopyFrom copies data, byte enables and extensions into independent storage', (t) => {
  const src = new GenericPayload();
  src.command = 'write';
  src.address = 64;
  src.data = Uint8Array.of(9, 8, 7, 6);
  src.dataLength = 4;
  src.byteEnables = Uint8Array.of(0xff, 0);
  src.byteEnableLength = 2;
  src.responseStatus = 'ok';
  src.setExtension(ext(5, Uint8Array.of(0xca, 0xfe)));
  src.setExtension(new TagExtension('src'));

  const dst = new GenericPayload();
  const existing = new TagExtension('old');
  dst.setExtension(existing);
  dst.deepCopyFrom(src);
  t.is(dst.command, 'write');
  t.is(dst.address, 64);
  t.deepEqual([...dst.data], [9, 8, 7, 6]);
  t.not(dst.data, src.data);
  t.deepEqual([...dst.byteEnables!], [0xff, 0]);
  t.not(dst.byteEnables, src.byteEnables);
  t.is(dst.responseStatus, 'ok');
  t.is(dst.getExtension(TagExtension), existing, 'an extension already present is copied into');
  t.is(existing.tag, 'src');
  const copied = dst.getExtension(DtlsExtension)!;
  t.not(copied, src.getExtension(DtlsExtension), 'an absent extension is cloned');
  t.is(copied.recordNumber, 5);
  copied.cid![0] = 0;
  src.data[0] = 0;
  t.is(src.getExtension(DtlsExtension)!.cid![0], 0xca);
  t.is(dst.data[0], 9);
});

test('deepCopyFrom into a pooled payload makes cloned extensions auto (gone after release)', (t) => {
  const pool = new PayloadPool();
  const src = new GenericPayload();
  src.setExtension(ext());
  const copy = pool.acquire();
  copy.deepCopyFrom(src);
  t.truthy(copy.getExtension(DtlsExtension));
  copy.release();
  t.is(pool.allocate(), copy);
  t.is(copy.getExtension(DtlsExtension), undefined);
});

test('updateOriginalFrom brings back status, DMI, extension values and read data (honouring byte enables)', (t) => {
  const orig = new GenericPayload();
  orig.command = 'read';
  orig.data = new Uint8Array(4);
  orig.dataLength = 4;
  orig.byteEnables = Uint8Array.of(0xff, 0x00);
  orig.byteEnableLength = 2;
  const mine = ext(1);
  orig.setExtension(mine);
  const copy = new GenericPayload();
  copy.deepCopyFrom(orig);
  copy.data.set([1, 2, 3, 4]);
  copy.responseStatus = 'ok';
  copy.dmiAllowed = true;
  copy.getExtension(DtlsExtension)!.recordNumber = 99;
  orig.updateOriginalFrom(copy, true);
  t.deepEqual([...orig.data], [1, 0, 3, 0]);
  t.is(orig.responseStatus, 'ok');
  t.true(orig.dmiAllowed);
  t.is(orig.getExtension(DtlsExtension), mine);
  t.is(mine.recordNumber, 99);
  orig.updateOriginalFrom(copy, false);
  t.deepEqual([...orig.data], [1, 2, 3, 4]);
  copy.responseStatus = 'address_error';
  copy.data.set([5, 6, 7, 8]);
  orig.updateOriginalFrom(copy);
  // As tlm_gp.cpp (checked against libsystemc 2.3.4): byte enables honoured by
  // default, and the data comes back whatever the response status.
  t.deepEqual([...orig.data], [5, 2, 7, 4], 'enabled bytes back by default, on an error too');
  t.is(orig.responseStatus, 'address_error');
});

test('pool: reference counting, reuse without allocation, misuse throws TlmError', (t) => {
  const pool = new PayloadPool();
  const gp = pool.acquire();
  t.is(gp.refCount, 1);
  t.true(gp.hasMm);
  gp.acquire();
  gp.command = 'write';
  gp.release();
  t.is(pool.available, 0, 'still held once');
  gp.release();
  t.is(pool.available, 1);
  t.is(gp.command as string, 'ignore', 'reset on free');
  const again = pool.acquire();
  t.is(again, gp);
  t.is(pool.created, 1);
  again.release();
  const e = t.throws(() => gp.release(), { instanceOf: TlmError });
  t.regex(e.message, /GenericPayload.*release\(\) without a matching acquire/);
  const plain = new GenericPayload();
  t.throws(() => plain.acquire(), { instanceOf: TlmError, message: /memory manager/ });
  t.throws(() => plain.release(), { instanceOf: TlmError, message: /memory manager/ });
  // many transactions, one payload at a time: the pool never grows
  for (let i = 0; i < 1000; i++) pool.acquire().release();
  t.is(pool.created, 1);
});

test('DtlsExtension: clone is deep, copyFrom copies, bad fields throw ConfigError naming the field', (t) => {
  const a = ext(2 ** 48 - 1, Uint8Array.of(1, 2));
  t.is(a.recordNumber, 2 ** 48 - 1);
  const b = a.clone();
  t.not(b.cid, a.cid);
  t.deepEqual(b.cid, a.cid);
  b.epoch = 0xffff;
  t.is(a.epoch, 3);
  const c = new DtlsExtension({ contentType: 22, epoch: 0, recordNumber: 0 });
  t.is(c.cid, undefined);
  c.copyFrom(a);
  t.deepEqual([c.contentType, c.epoch, c.recordNumber], [23, 3, 2 ** 48 - 1]);
  t.deepEqual(c.cid, Uint8Array.of(1, 2));
  const bad: [string, () => unknown][] = [
    ['epoch', () => (a.epoch = 0x10000)],
    ['recordNumber', () => (a.recordNumber = 2 ** 48)],
    ['recordNumber', () => new DtlsExtension({ contentType: 23, epoch: 1, recordNumber: -1 })],
    ['contentType', () => new DtlsExtension({ contentType: 256, epoch: 1, recordNumber: 0 })],
    ['epoch', () => new DtlsExtension({ contentType: 23, epoch: 1.5, recordNumber: 0 })],
  ];
  for (const [option, fn] of bad) {
    const err = t.throws(fn, { instanceOf: ConfigError });
    t.is(err.option, option);
  }
  t.is(a.epoch, 3, 'a rejected write leaves the value');
});
