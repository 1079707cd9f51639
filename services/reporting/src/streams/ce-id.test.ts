import { ceIdOf, uuidv5 } from './ce-id';

describe('deterministic CloudEvents ids', () => {
  it('is RFC 9562 UUID version 5 (the RFC example: www.example.com in the DNS namespace)', () => {
    expect(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives a fact the same id whatever its value text, per topic and identity', () => {
    const fact = { kind: 'fact' as const };
    const a = ceIdOf('x.loans.daily.v1', fact, '2026-12-06/L1', '{"a": 1}');
    expect(ceIdOf('x.loans.daily.v1', fact, '2026-12-06/L1', '{"a": 2}')).toBe(a);
    expect(ceIdOf('x.loans.daily.v1', fact, '2026-12-07/L1', '{"a": 1}')).not.toBe(a);
    expect(ceIdOf('y.loans.daily.v1', fact, '2026-12-06/L1', '{"a": 1}')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives a state one id per content: the same state again is the same record', () => {
    const state = { kind: 'state' as const };
    const a = ceIdOf('x.applications.v1', state, 'A1', '{"status": "submitted"}');
    expect(ceIdOf('x.applications.v1', state, 'A1', '{"status": "submitted"}')).toBe(a);
    expect(ceIdOf('x.applications.v1', state, 'A1', '{"status": "approved"}')).not.toBe(a);
    expect(ceIdOf('x.applications.v1', state, 'A2', '{"status": "submitted"}')).not.toBe(a);
  });
});
