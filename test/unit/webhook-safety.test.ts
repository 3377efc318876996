/**
 * The SSRF guard (SPEC §9 "Safety"): every address form that must never be POSTed to is refused,
 * at registration (literals) and at delivery (what a name resolves to), and the poster follows no
 * redirect, reads a bounded answer and gives up after its timeout.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postEvent, safeLookup } from '../../functions/adapters/http/webhook-poster.js';
import { checkEndpoint, hostOf, isLocalHttp, refusedAddress } from '../../functions/domain/address-safety.js';

const refused = [
  ['IPv4 loopback', '127.0.0.1'],
  ['IPv4 loopback, elsewhere in 127/8', '127.45.1.9'],
  ['private 10/8', '10.0.0.5'],
  ['private 172.16/12', '172.20.1.1'],
  ['private 192.168/16', '192.168.1.1'],
  ['CGNAT 100.64/10', '100.64.0.1'],
  ['link-local 169.254/16', '169.254.10.10'],
  ['metadata service (IPv4)', '169.254.169.254'],
  ['unspecified 0.0.0.0', '0.0.0.0'],
  ['this network 0/8', '0.1.2.3'],
  ['broadcast', '255.255.255.255'],
  ['multicast', '224.0.0.1'],
  ['documentation (reserved)', '192.0.2.10'],
  ['benchmarking', '198.18.0.1'],
  ['IPv6 loopback', '::1'],
  ['IPv6 unspecified', '::'],
  ['IPv6 link-local', 'fe80::1'],
  ['IPv6 unique local', 'fc00::1'],
  ['metadata service (IPv6)', 'fd00:ec2::254'],
  ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
  ['IPv4-mapped public (still a disguise)', '::ffff:8.8.8.8'],
  ['IPv4-mapped metadata, hex', '::ffff:a9fe:a9fe'],
  ['IPv4-compatible loopback', '::127.0.0.1'],
  ['NAT64 well-known prefix', '64:ff9b::7f00:1'],
  ['NAT64 local-use prefix', '64:ff9b:1::a00:1'],
  ['6to4 of a private address', '2002:0a00:0001::1'],
  ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['IPv6 multicast', 'ff02::1'],
] as const;

describe('refusedAddress', () => {
  it.each(refused)('refuses %s (%s)', (_name, address) => {
    expect(refusedAddress(address)).toEqual(expect.any(String));
  });

  it.each([['8.8.8.8'], ['1.1.1.1'], ['2606:4700:4700::1111'], ['2a00:1450:4001:80b::200e']])(
    'allows the public address %s',
    (address) => {
      expect(refusedAddress(address)).toBeUndefined();
    },
  );

  it('refuses what is not an address', () => {
    expect(refusedAddress('example.com')).toMatch(/not an IP address/);
  });
});

describe('checkEndpoint (at registration)', () => {
  const remote = { allowLocalHttp: false };
  const local = { allowLocalHttp: true };

  it('accepts an https URL with a public name', () => {
    expect(checkEndpoint('https://hooks.example.com/in?x=1', remote).href).toBe(
      'https://hooks.example.com/in?x=1',
    );
  });

  it.each([
    ['plain http', 'http://hooks.example.com/in'],
    ['another scheme', 'ftp://hooks.example.com/in'],
    ['credentials in the URL', 'https://user:pass@hooks.example.com/in'],
    ['localhost', 'https://localhost/in'],
    ['a .localhost name', 'https://app.localhost/in'],
    ['a single-label name', 'https://intranet/in'],
    ['a loopback literal', 'https://127.0.0.1/in'],
    ['a decimal loopback literal (WHATWG normalises it)', 'https://2130706433/in'],
    ['a hex loopback literal', 'https://0x7f.0.0.1/in'],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data'],
    ['a private literal', 'https://10.1.2.3/in'],
    ['a CGNAT literal', 'https://100.100.100.100/in'],
    ['an IPv6 loopback literal', 'https://[::1]/in'],
    ['an IPv4-mapped literal', 'https://[::ffff:127.0.0.1]/in'],
    ['a NAT64 literal', 'https://[64:ff9b::a9fe:a9fe]/in'],
    ['the IPv6 metadata service', 'https://[fd00:ec2::254]/in'],
    ['not a URL', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(() => checkEndpoint(url, remote)).toThrow(
      expect.objectContaining({ status: 400, code: 'webhook-url-refused' }),
    );
  });

  it('allows http://127.0.0.1:<port> in the local runtime alone', () => {
    expect(checkEndpoint('http://127.0.0.1:4010/hook', local).href).toBe('http://127.0.0.1:4010/hook');
    expect(() => checkEndpoint('http://127.0.0.1:4010/hook', remote)).toThrow(/https/);
    // Only that exact form: not another loopback name, nor another private address.
    expect(() => checkEndpoint('http://localhost:4010/hook', local)).toThrow();
    expect(() => checkEndpoint('http://10.0.0.1:4010/hook', local)).toThrow();
  });
});

describe('safeLookup (at delivery)', () => {
  const resolverOf = (addresses: LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) =>
      callback(null, addresses)) as unknown as typeof import('node:dns').lookup;

  const lookup = (addresses: LookupAddress[]) =>
    new Promise<{ error: Error | null; address: unknown }>((resolve) => {
      safeLookup(resolverOf(addresses))('hooks.example.com', { all: false }, (error, address) =>
        resolve({ error, address }),
      );
    });

  it('answers with a public address', async () => {
    expect(await lookup([{ address: '93.184.216.34', family: 4 }])).toEqual({
      error: null,
      address: '93.184.216.34',
    });
  });

  it('refuses a name that resolves to a private address (DNS rebinding to the VPC)', async () => {
    const { error } = await lookup([{ address: '10.0.0.7', family: 4 }]);
    expect(error?.message).toMatch(/refused.*10\.0\.0\.7/);
  });

  it('refuses a name with any unsafe address among public ones', async () => {
    const { error } = await lookup([
      { address: '93.184.216.34', family: 4 },
      { address: 'fd00:ec2::254', family: 6 },
    ]);
    expect(error?.message).toMatch(/refused/);
  });
});

describe('postEvent', () => {
  let server: Server;
  let base: string;
  const handlers: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/redirect': (res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/' });
      res.end();
    },
    '/big': (res) => {
      res.writeHead(200);
      res.end('x'.repeat(1_000_000));
    },
    '/slow': () => undefined,
    '/ok': (res) => {
      res.writeHead(204);
      res.end();
    },
  };
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      handlers[req.url ?? '']?.(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const local = { allowLocalHttp: true, timeoutMs: 300 };

  it('does not follow a redirect: the 3xx is a failed attempt', async () => {
    const result = await postEvent(`${base}/redirect`, '{}', {}, local);
    expect(result).toEqual(expect.objectContaining({ statusCode: 302, error: 'redirect not followed' }));
  });

  it('reads a bounded part of a large answer', async () => {
    const result = await postEvent(`${base}/big`, '{}', {}, local);
    expect(result.statusCode).toBe(200);
  });

  it('gives up after its timeout', async () => {
    const result = await postEvent(`${base}/slow`, '{}', {}, local);
    expect(result).toEqual(expect.objectContaining({ statusCode: null, error: 'timeout after 300 ms' }));
  });

  it('refuses the local endpoint outside the local runtime, without connecting', async () => {
    const before = seen.length;
    const result = await postEvent(`${base}/ok`, '{}', {}, { allowLocalHttp: false });
    expect(result.error).toBe('refused: not https');
    const literal = await postEvent('https://127.0.0.1:1/ok', '{}', {}, { allowLocalHttp: false });
    expect(literal.error).toMatch(/refused: 127\.0\.0\.1 is in a loopback range/);
    expect(seen.length).toBe(before);
  });

  it('refuses at connect time a name that resolves to a private address', async () => {
    const resolve = ((_h: string, _o: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof import('node:dns').lookup;
    const result = await postEvent(
      'https://hooks.example.com/ok',
      '{}',
      {},
      { allowLocalHttp: false, resolve },
    );
    expect(result.error).toMatch(/refused: hooks\.example\.com resolves to 127\.0\.0\.1/);
  });

  it('delivers to the local endpoint in the local runtime', async () => {
    expect((await postEvent(`${base}/ok`, '{}', {}, local)).statusCode).toBe(204);
  });
});

describe('checkEndpoint says why', () => {
  const remote = { allowLocalHttp: false };
  const local = { allowLocalHttp: true };
  const why = (url: string, rules = remote) => {
    try {
      checkEndpoint(url, rules);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return 'accepted';
  };

  it('names each reason a URL is refused', () => {
    expect(why('not a url')).toBe('The URL is not valid.');
    expect(why('http://hooks.example.com/in')).toBe('Only https URLs are allowed.');
    expect(why('https://user@hooks.example.com/in')).toBe('The URL must not carry credentials.');
    expect(why('https://:secret@hooks.example.com/in')).toBe('The URL must not carry credentials.');
    expect(why('https://LOCALHOST/in')).toBe('The URL must name a public host.');
    expect(why('https://intranet/in')).toBe('The URL must name a public host.');
    expect(why('https://10.1.2.3/in')).toBe(
      'The URL names an address that is not public: 10.1.2.3 is in a private range, not a public address.',
    );
    expect(why('https://[::1]/in')).toMatch(
      /^The URL names an address that is not public: ::1 is in a loopback range/,
    );
  });

  it('accepts public address literals and names that merely contain "localhost"', () => {
    expect(why('https://8.8.8.8/in')).toBe('accepted');
    expect(why('https://[2606:4700:4700::1111]/in')).toBe('accepted');
    expect(why('https://localhost.example.com/in')).toBe('accepted');
    expect(why('https://mylocalhost.com/in')).toBe('accepted');
  });

  it('takes the local exception only for http://127.0.0.1 with a port', () => {
    expect(why('http://127.0.0.1/hook', local)).toBe('Only https URLs are allowed.');
    expect(why('https://127.0.0.1:4010/hook', local)).toMatch(/loopback/);
    expect(isLocalHttp(new URL('http://127.0.0.1:80/'))).toBe(false);
    expect(isLocalHttp(new URL('http://127.0.0.1:8080/'))).toBe(true);
    expect(isLocalHttp(new URL('http://127.0.0.2:8080/'))).toBe(false);
    expect(hostOf(new URL('https://[::1]:8443/'))).toBe('::1');
    expect(hostOf(new URL('https://hooks.example.com/'))).toBe('hooks.example.com');
  });

  it('says which range refused an address', () => {
    expect(refusedAddress('127.0.0.1')).toBe('127.0.0.1 is in a loopback range, not a public address');
    expect(refusedAddress('nope')).toBe('nope is not an IP address');
  });
});
