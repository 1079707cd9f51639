import { inMemoryDirectory, resolvePeople } from './directory';

const directory = inMemoryDirectory([
  {
    id: 'u-zhou',
    username: 'credit.zhou',
    active: true,
    roles: ['credit_officer'],
    branchId: 'SH001',
  },
  {
    id: 'u-qian',
    username: 'credit.qian',
    active: false,
    roles: ['credit_officer'],
    branchId: 'SH001',
  },
  {
    id: 'u-wang',
    username: 'market.wang',
    active: true,
    roles: ['market_specialist'],
    branchId: 'SH001',
  },
  { id: 'u-bj', username: 'credit.bj', active: true, roles: ['credit_officer'], branchId: 'BJ001' },
  { id: 'u-hq', username: 'review.wu', active: true, roles: ['credit_officer'], branchId: 'HQ' },
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
    const silent = { lookUp: jest.fn(), covers: jest.fn() };
    expect((await resolvePeople(silent, [], 'token')).size).toBe(0);
    expect(silent.lookUp).not.toHaveBeenCalled();
  });

  it("refuses someone who could not see the application's branch: their task would be orphaned", async () => {
    const named = (value: string) => [
      { field: 'formData.creditOfficer', value, roles: ['credit_officer'], branchId: 'SH001-01' },
    ];
    await expect(resolvePeople(directory, named('credit.bj'), 'token')).rejects.toMatchObject({
      violations: [
        {
          field: 'formData.creditOfficer',
          reason: 'user "credit.bj" of branch BJ001 cannot see an application of branch SH001-01',
        },
      ],
    });
    // The sub-branch's parent branch and the head office see it.
    expect([...(await resolvePeople(directory, named('credit.zhou'), 'token'))]).toEqual([
      ['formData.creditOfficer', 'u-zhou'],
    ]);
    expect([...(await resolvePeople(directory, named('review.wu'), 'token'))]).toEqual([
      ['formData.creditOfficer', 'u-hq'],
    ]);
  });
});
