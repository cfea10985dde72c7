import { describe, expect, it } from 'vitest';
import { checkCallbackUrl } from '../src/index.js';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe('checkCallbackUrl', () => {
  it.each([
    'https://hooks.example.com/kiln',
    'http://hooks.example.com:8080/kiln?token=abc',
    'https://93.184.215.14/kiln',
    'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/kiln',
    'https://172.32.0.1/',
    'https://localhost.example.com/',
  ])('accepts %s', (url) => {
    expect(checkCallbackUrl(url, strict)).toBeUndefined();
  });

  it.each([
    ['not a URL', 'hooks.example.com/kiln', 'not a valid absolute URL'],
    ['ftp', 'ftp://hooks.example.com/', 'http or https'],
    ['file', 'file:///etc/passwd', 'http or https'],
    ['javascript', 'javascript:alert(1)', 'http or https'],
    ['a user', 'https://kiln@hooks.example.com/', 'credentials'],
    ['a user and password', 'https://kiln:secret@hooks.example.com/', 'credentials'],
  ])('refuses %s, private targets allowed or not', (_, url, reason) => {
    expect(checkCallbackUrl(url, strict)).toContain(reason);
    expect(checkCallbackUrl(url, lenient)).toContain(reason);
  });

  it.each([
    ['localhost', 'http://localhost:3000/'],
    ['localhost with a trailing dot', 'http://LOCALHOST./'],
    ['a .localhost name', 'http://app.localhost/'],
  ])('refuses %s unless private targets are allowed', (_, url) => {
    expect(checkCallbackUrl(url, strict)).toBe('callbackUrl must not point to localhost');
    expect(checkCallbackUrl(url, lenient)).toBeUndefined();
  });

  it.each([
    ['IPv4 loopback', 'http://127.0.0.1:6379/'],
    ['loopback spelt in hex', 'http://0x7f.1/'],
    ['loopback spelt as one number', 'http://2130706433/'],
    ['0.0.0.0', 'http://0.0.0.0/'],
    ['10/8', 'http://10.0.0.5/'],
    ['172.16/12', 'http://172.31.255.1/'],
    ['192.168/16', 'http://192.168.1.1/'],
    ['carrier-grade NAT', 'http://100.64.0.1/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['IPv6 unique local', 'http://[fd00::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped metadata', 'http://[::ffff:a9fe:a9fe]/'],
  ])('refuses %s unless private targets are allowed', (_, url) => {
    expect(checkCallbackUrl(url, strict)).toBe(
      'callbackUrl must not point to a loopback, private or link-local address',
    );
    expect(checkCallbackUrl(url, lenient)).toBeUndefined();
  });
});
