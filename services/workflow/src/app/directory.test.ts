import { inMemoryDirectory, resolvePeople } from './directory';

const directory = inMemoryDirectory([
  { id: 'u-zhou', username: 'credit.zhou', active: true, roles: ['credit_officer'] },
  { id: 'u-qian', username: 'credit.qian', active: false, roles: ['credit_officer'] },
  { id: 'u-wang', username: 'market.wang', active: true, roles: ['market_specialist'] },
]);

describe('people named in commands', () => {
  it('accepts a user id or a username and gives the user id', async () => {
    const ids = await resolvePeople(
      directory,
      [
        { field: 'formData.creditOfficer', value: 'credit.zhou', roles: ['credit_officer'] },
        { field: 'userId', value: 'u-zhou', roles: [] },
      ],
      'token',
    );
    expect([...ids]).toEqual([
      ['formData.creditOfficer', 'u-zhou'],
      ['userId', 'u-zhou'],
    ]);
  });

  it('refuses unknown, inactive and unqualified users, each with its field, all at once', async () => {
    await expect(
      resolvePeople(
        directory,
        [
          { field: 'formData.committeeMembers[0]', value: 'nobody', roles: ['committee_member'] },
          {
            field: 'formData.committeeMembers[1]',
            value: 'credit.qian',
            roles: ['credit_officer'],
          },
          {
            field: 'formData.creditOfficer',
            value: 'market.wang',
            roles: ['credit_officer', 'corporate_lending'],
          },
        ],
        'token',
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'formData.committeeMembers[0]', reason: 'user "nobody" does not exist' },
        { field: 'formData.committeeMembers[1]', reason: 'user "credit.qian" is inactive' },
        {
          field: 'formData.creditOfficer',
          reason: 'user "market.wang" does not hold credit_officer or corporate_lending',
        },
      ],
    });
  });

  it('asks the directory nothing when nobody is named', async () => {
    const silent = { lookUp: jest.fn() };
    expect((await resolvePeople(silent, [], 'token')).size).toBe(0);
    expect(silent.lookUp).not.toHaveBeenCalled();
  });
});
