import { describe, expect, it } from '@jest/globals';
import {
  checkNewBranch,
  checkProfile,
  checkRoles,
  checkUsername,
  levelUnder,
  normalizeMobile,
  publicView,
  Violations,
  type User,
} from './directory';

const profile = (overrides: Partial<Parameters<typeof checkProfile>[0]> = {}) => {
  const v = new Violations();
  const value = checkProfile(
    {
      displayName: ' 周洁 ',
      roles: ['credit_officer'],
      branchId: 'SH001-01',
      email: 'Zhou.Jie@Bank.Example',
      mobile: '+86 138-1688-1234',
      language: '',
      ...overrides,
    },
    v,
  );
  return { value, violations: v.list };
};

describe('user profile', () => {
  it('trims and normalizes what an administrator types', () => {
    expect(profile()).toEqual({
      value: {
        displayName: '周洁',
        roles: ['credit_officer'],
        branchId: 'SH001-01',
        email: 'Zhou.Jie@bank.example',
        mobile: '13816881234',
        language: 'zh-CN',
      },
      violations: [],
    });
  });

  it('names every bad field at once', () => {
    const { violations } = profile({
      displayName: '  ',
      roles: ['credit_officer', 'superuser', undefined],
      branchId: 'sh 001',
      email: 'zhou.jie@',
      mobile: '1234567890',
      language: 'fr',
    });
    expect(violations.map((x) => x.field)).toEqual([
      'displayName',
      'roles[1]',
      'roles[2]',
      'branchId',
      'email',
      'mobile',
      'language',
    ]);
    expect(violations.find((x) => x.field === 'mobile')!.reason).toBe(
      'must be a mainland mobile number: 11 digits starting 13 to 19',
    );
    expect(violations.find((x) => x.field === 'roles[1]')!.reason).toMatch(
      /^is not a role; the roles are account_manager, /,
    );
  });

  it('e-mail and mobile are optional; English is a language', () => {
    expect(profile({ email: '', mobile: '', language: 'en' }).value).toMatchObject({
      email: '',
      mobile: '',
      language: 'en',
    });
  });

  it('a display name is at most 100 characters (Chinese characters count one each)', () => {
    expect(profile({ displayName: '周'.repeat(100) }).violations).toEqual([]);
    expect(profile({ displayName: '周'.repeat(101) }).violations).toEqual([
      { field: 'displayName', reason: 'must be at most 100 characters' },
    ]);
  });

  it('roles: at least one; a repeated role counts once', () => {
    const v = new Violations();
    expect(checkRoles([], v)).toEqual([]);
    expect(v.list).toEqual([{ field: 'roles', reason: 'give at least one role' }]);
    const w = new Violations();
    expect(checkRoles(['admin', 'auditor', 'admin'], w)).toEqual(['admin', 'auditor']);
    expect(w.list).toEqual([]);
  });

  it('mainland mobile numbers: 11 digits from 13 to 19, with or without +86', () => {
    expect(normalizeMobile('0086 13912345678')).toBe('13912345678');
    expect(normalizeMobile('139 1234 5678')).toBe('13912345678');
    for (const bad of ['12912345678', '1391234567', '139123456789', '+1 4155550100']) {
      const { violations } = profile({ mobile: bad });
      expect(violations.map((x) => x.field)).toEqual(['mobile']);
    }
  });
});

describe('usernames', () => {
  it('are lower-cased and limited to a-z, digits, dot, underscore, hyphen', () => {
    const v = new Violations();
    expect(checkUsername(' Credit.Zhou ', v)).toBe('credit.zhou');
    expect(checkUsername('周洁', v)).toBe('周洁');
    expect(checkUsername('ab', v)).toBe('ab');
    expect(checkUsername('', v)).toBe('');
    expect(v.list).toEqual([
      {
        field: 'username',
        reason: 'must be 3 to 64 characters of a-z, 0-9, dot, underscore or hyphen',
      },
      {
        field: 'username',
        reason: 'must be 3 to 64 characters of a-z, 0-9, dot, underscore or hyphen',
      },
      { field: 'username', reason: 'is required' },
    ]);
  });
});

describe('the branch tree', () => {
  const hq = { code: 'HQ', name: '总行', parentCode: null, level: 'head_office' as const };
  const sh = { code: 'SH001', name: '上海分行', parentCode: 'HQ', level: 'branch' as const };
  const pd = {
    code: 'SH001-01',
    name: '浦东支行',
    parentCode: 'SH001',
    level: 'sub_branch' as const,
  };

  it('head office → branch → sub-branch, and no deeper', () => {
    expect(levelUnder(hq)).toBe('branch');
    expect(levelUnder(sh)).toBe('sub_branch');
    expect(levelUnder(pd)).toBeUndefined();
  });

  it('a new branch needs a code, a name and a parent', () => {
    const v = new Violations();
    expect(
      checkNewBranch({ code: ' sh001-02 ', name: ' 徐汇支行 ', parentCode: 'sh001' }, v),
    ).toEqual({ code: 'SH001-02', name: '徐汇支行', parentCode: 'SH001' });
    expect(v.list).toEqual([]);
    const w = new Violations();
    checkNewBranch({ code: 'SH 001', name: '', parentCode: '' }, w);
    expect(w.list.map((x) => x.field)).toEqual(['code', 'name', 'parentCode']);
  });
});

it('the public view of a user leaves out e-mail and mobile', () => {
  const user: User = {
    id: '0190a0b0-0000-7000-8000-000000000001',
    username: 'credit.zhou',
    displayName: '周洁',
    roles: ['credit_officer'],
    branchId: 'SH001',
    email: 'credit.zhou@bank.example',
    mobile: '13816881234',
    language: 'zh-CN',
    active: true,
    locked: false,
    version: 3,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-02T00:00:00.000Z',
  };
  expect(publicView(user)).toEqual({ ...user, email: '', mobile: '' });
  expect(user.email).toBe('credit.zhou@bank.example');
});
