import { generateSigningKeys } from '@loanflow/platform';
import { loadWorkflowConfig } from './config';

describe('workflow configuration', () => {
  const base = {
    AUTH_JWT_PUBLIC_KEY: generateSigningKeys().publicKey,
    DOCUMENTS_ADDR: 'documents:50054',
  };

  it('refuses to start without the identity service, saying which variable and why', () => {
    expect(() => loadWorkflowConfig(base)).toThrow(
      /IDENTITY_ADDR: is required: the identity service, host:port/,
    );
    expect(() => loadWorkflowConfig({ ...base, IDENTITY_ADDR: 'identity' })).toThrow(
      /IDENTITY_ADDR: must be host:port of the identity service/,
    );
  });

  it('refuses to start without the documents service: the gate is on wherever it runs', () => {
    const { DOCUMENTS_ADDR: _gate, ...withoutGate } = base;
    expect(() => loadWorkflowConfig({ ...withoutGate, IDENTITY_ADDR: 'identity:50055' })).toThrow(
      /DOCUMENTS_ADDR: is required: the documents service, host:port/,
    );
  });

  it('takes host:port', () => {
    expect(loadWorkflowConfig({ ...base, IDENTITY_ADDR: 'identity:50055' }).IDENTITY_ADDR).toBe(
      'identity:50055',
    );
  });
});
