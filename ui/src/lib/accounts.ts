// The list of accounts as the user arranges it: searching, grouping and the manual order.

import type { AccountView } from './api';

/** Lower case without accents, so `zurich` finds `Zürich`. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** The accounts whose issuer or name hold every word of the query, in the user's order. */
export function filterAccounts(accounts: AccountView[], query: string): AccountView[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return accounts;
  return accounts.filter((account) => {
    const haystack = fold(`${account.issuer ?? ''} ${account.name}`);
    return words.every((word) => haystack.includes(word));
  });
}

export interface AccountGroup {
  /** null for the accounts in no group. */
  name: string | null;
  accounts: AccountView[];
}

/**
 * Sections for the list: accounts without a group first (they are the ones a new user has), then
 * each group in the order of its first account. The user's order holds within every section.
 */
export function groupAccounts(accounts: AccountView[]): AccountGroup[] {
  const ungrouped: AccountView[] = [];
  const groups = new Map<string, AccountView[]>();
  for (const account of accounts) {
    const name = account.group?.trim();
    if (!name) {
      ungrouped.push(account);
    } else {
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name)!.push(account);
    }
  }
  const sections: AccountGroup[] = [...groups].map(([name, list]) => ({ name, accounts: list }));
  return ungrouped.length > 0 ? [{ name: null, accounts: ungrouped }, ...sections] : sections;
}

/** The list with one account taken out and put back at `place` (from 0), as Rust will store it. */
export function moveTo(accounts: AccountView[], id: number, place: number): AccountView[] {
  const from = accounts.findIndex((account) => account.id === id);
  if (from < 0) return accounts;
  const rest = accounts.filter((account) => account.id !== id);
  const to = Math.min(Math.max(place, 0), rest.length);
  return [...rest.slice(0, to), accounts[from], ...rest.slice(to)];
}

/**
 * The place to move an account to for "Move up" (-1) or "Move down" (+1): that of its neighbour in
 * the list as shown (its section, perhaps filtered), counted in the full list. Null at an end.
 */
export function neighbourPlace(
  all: AccountView[],
  shown: AccountView[],
  id: number,
  step: -1 | 1,
): number | null {
  const at = shown.findIndex((account) => account.id === id);
  const neighbour = at < 0 ? undefined : shown[at + step];
  return neighbour ? all.findIndex((account) => account.id === neighbour.id) : null;
}

/** How an account is named in sentences and labels: `GitHub (alice)`, or just the name. */
export function accountLabel(account: Pick<AccountView, 'issuer' | 'name'>): string {
  return account.issuer ? `${account.issuer} (${account.name})` : account.name;
}

/** The group names in use, for suggestions when editing an account. */
export function groupNames(accounts: AccountView[]): string[] {
  return groupAccounts(accounts).flatMap((section) => (section.name ? [section.name] : []));
}
