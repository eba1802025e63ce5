import test from 'ava';
import { sniOption } from '../../runtime/api/sni-option.js';
import { pemIdentity } from './fixtures.js';

// listen's `sni` as a function that builds a new { cert, key } on every call (as handlers that read a table often
// do): each ClientHello naming the host, spoofed ones included, calls it. The credentials are read once per
// distinct content, not once per call.

const a = pemIdentity('a.example.com');
const b = pemIdentity('b.example.com');

test('an sni function returning new { cert, key } objects: the same content is read once, other content apart', (t) => {
  let calls = 0;
  const select = sniOption((name: string) => {
    calls++;
    const id = name === 'a.example.com' ? a : name === 'b.example.com' ? b : undefined;
    return id && { cert: `${id.cert}`, key: `${id.key}` }; // new strings in a new object every time
  });
  if (typeof select !== 'function') return t.fail('a function stays a function');
  const first = select('a.example.com');
  t.truthy(first);
  for (let i = 0; i < 20; i++) t.is(select('a.example.com'), first, `call ${i + 2} reuses the credentials read first`);
  const other = select('b.example.com');
  t.truthy(other);
  t.not(other, first);
  t.is(select('b.example.com'), other);
  t.is(select('c.example.com'), undefined);
  t.is(calls, 24);
});
