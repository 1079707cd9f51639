import Ajv from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CATALOGUE, schemaOf } from './catalogue';
import { SAMPLE_VALUES } from './samples';

describe('the catalogue samples', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);

  it.each(CATALOGUE.map((t) => [t.subject, t] as const))(
    '%s sample validates against its schema',
    (_s, spec) => {
      const validate = ajv.compile(schemaOf(spec));
      const ok = validate(SAMPLE_VALUES[spec.subject]);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('refuses money as a number and a missing required field', () => {
    const validate = ajv.compile(schemaOf(CATALOGUE.find((t) => t.subject === 'loans.daily')!));
    expect(validate({ ...SAMPLE_VALUES['loans.daily'], outstandingPrincipal: 191942.66 })).toBe(
      false,
    );
    const { loanId: _dropped, ...rest } = SAMPLE_VALUES['loans.daily'];
    expect(validate(rest)).toBe(false);
  });
});
