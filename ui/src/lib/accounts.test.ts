import { describe, expect, it } from 'vitest';
import type { AccountView } from './api';
import {
  accountLabel,
  filterAccounts,
  groupAccounts,
  groupNames,
  moveTo,
  neighbourPlace,
} from './accounts';

function account(id: number, issuer: string | null, name: string, group: string | null = null) {
  return {
    id,
    issuer,
    name,
    group,
    kind: 'totp',
    digits: 6,
    period: 30,
    icon: null,
    note: '',
  } satisfies AccountView;
}

const github = account(1, 'GitHub', 'alice@example.com');
const zurich = account(2, 'Zürich Bank', 'Alice Smith', 'Money');
const mail = account(3, null, 'bob@mail.example', 'Work');
const gitlab = account(4, 'GitLab', 'alice', 'Work');
const bank = account(5, 'Rabobank', 'alice', 'Money');
const all = [github, zurich, mail, gitlab, bank];
const ids = (list: AccountView[]) => list.map((a) => a.id);

describe('filterAccounts', () => {
  it('keeps everything for an empty query', () => expect(filterAccounts(all, '  ')).toBe(all));
  it('matches the issuer without regard to case', () =>
    expect(ids(filterAccounts(all, 'GIT'))).toEqual([1, 4]));
  it('matches the account name', () => expect(ids(filterAccounts(all, 'bob@'))).toEqual([3]));
  it('ignores accents', () => expect(ids(filterAccounts(all, 'zurich'))).toEqual([2]));
  it('needs every word to match', () =>
    expect(ids(filterAccounts(all, 'alice bank'))).toEqual([2, 5]));
  it('does not search the group', () => expect(filterAccounts(all, 'work')).toEqual([]));
  it('keeps the user order', () => expect(ids(filterAccounts(all, 'alice'))).toEqual([1, 2, 4, 5]));
});

describe('groupAccounts', () => {
  it('puts ungrouped accounts first, then groups by first appearance', () => {
    const sections = groupAccounts(all);
    expect(sections.map((s) => s.name)).toEqual([null, 'Money', 'Work']);
    expect(sections.map((s) => ids(s.accounts))).toEqual([[1], [2, 5], [3, 4]]);
  });

  it('keeps the user order within a group', () =>
    expect(ids(groupAccounts([bank, zurich])[0].accounts)).toEqual([5, 2]));

  it('makes one section without a name when nothing is grouped', () =>
    expect(groupAccounts([github])).toEqual([{ name: null, accounts: [github] }]));

  it('has no empty ungrouped section', () =>
    expect(groupAccounts([mail]).map((s) => s.name)).toEqual(['Work']));

  it('treats a blank group as no group and trims names', () => {
    const sections = groupAccounts([account(6, 'A', 'a', ' '), account(7, 'B', 'b', ' Work ')]);
    expect(sections.map((s) => s.name)).toEqual([null, 'Work']);
  });

  it('lists the group names in use', () => expect(groupNames(all)).toEqual(['Money', 'Work']));
});

describe('moveTo', () => {
  it('moves an account up', () => expect(ids(moveTo(all, 4, 1))).toEqual([1, 4, 2, 3, 5]));
  it('moves an account down', () => expect(ids(moveTo(all, 1, 2))).toEqual([2, 3, 1, 4, 5]));
  it('clamps a place past the end', () => expect(ids(moveTo(all, 1, 99))).toEqual([2, 3, 4, 5, 1]));
  it('leaves the list alone for an unknown account', () => expect(moveTo(all, 42, 0)).toBe(all));
});

describe('neighbourPlace', () => {
  const work = [mail, gitlab];
  it('gives the place of the one above in the same section', () =>
    expect(neighbourPlace(all, work, 4, -1)).toBe(2));
  it('gives the place of the one below', () => expect(neighbourPlace(all, work, 3, 1)).toBe(3));
  it('is null at the top of a section', () => expect(neighbourPlace(all, work, 3, -1)).toBeNull());
  it('is null at the bottom', () => expect(neighbourPlace(all, work, 4, 1)).toBeNull());
  it('swaps neighbours when applied with moveTo', () => {
    const place = neighbourPlace(all, all, 3, 1)!;
    expect(ids(moveTo(all, 3, place))).toEqual([1, 2, 4, 3, 5]);
  });
});

describe('accountLabel', () => {
  it('names issuer and account', () => expect(accountLabel(github)).toBe('GitHub (alice@example.com)'));
  it('uses the name alone without issuer', () => expect(accountLabel(mail)).toBe('bob@mail.example'));
});
