import { describe, expect, it } from 'vitest';
import { isPrivateTarget } from '../src/audit/webhooks/check-target.js';

describe('outgoing webhook targets: SSRF guard on the literal host', () => {
  it('refuses this machine, private, link-local and unspecified addresses', () => {
    for (const url of [
      'http://localhost/x',
      'http://api.localhost/x',
      'http://127.0.0.1:8080/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/',
      'http://100.64.0.1/',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      expect(isPrivateTarget(new URL(url)), url).toBe(true);
    }
  });

  it('accepts public names and addresses, near-misses included', () => {
    for (const url of [
      'https://hooks.example.com/latchkey',
      'http://172.32.0.1/',
      'http://172.15.0.1/',
      'http://192.169.0.1/',
      'http://100.128.0.1/',
      'http://8.8.8.8/',
      'http://[2001:db8::1]/',
      'https://localhost.example.com/',
    ]) {
      expect(isPrivateTarget(new URL(url)), url).toBe(false);
    }
  });
});
