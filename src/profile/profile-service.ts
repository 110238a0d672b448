import DataLoader from 'dataloader';
import type { SourceAdapter, SourceRecord } from '../adapters/source-adapter';
import { SourceCallAllowance } from '../adapters/http/source-call-allowance';
import { BadUserInputError } from '../errors/gateway-error';
import type { IdentityGraph } from '../identity/identity-graph';
import type { CustomerLookup, IdentityResolver } from '../identity/identity-resolver';
import { readByIds } from '../store/batched-reads';
import type { NormalizePhoneOptions } from '../identity/normalize-phone';
import type { CustomerProfile } from './customer-profile';
import type { MergeConfig } from './merge-config';
import { mergeProfile } from './merge-profile';
import { profileFieldOf } from './profile-field-of';
import { createProfileLoaders, type ProfileLoaders, type ProfileLoadersOptions } from './profile-loaders';
import { SourceFetchError, type SourceCallReport } from './source-call';

/** Options of {@link ProfileService}. */
export interface ProfileServiceOptions {
  graph: IdentityGraph;
  resolver: IdentityResolver;
  /** The connected systems. */
  adapters: readonly SourceAdapter[];
  /** A survivorship rule per field. */
  mergeConfig: MergeConfig;
  /** Phone normalisation, as the identity layer does it. @default {} */
  phone?: NormalizePhoneOptions;
  /** Time budgets per source. @default {} (1500 ms each) */
  budgets?: ProfileLoadersOptions;
  /** Most ids `customers(ids)` accepts at once. @default 1000 */
  maxIds?: number;
}

/** A request's loaders: one per source, and the profile loader over them. */
export interface ProfileRequestLoaders {
  sources: ProfileLoaders;
  profiles: DataLoader<string, CustomerProfile | null>;
  /** The source calls the request may still make (profile reads and lookups alike); undefined: unlimited. */
  sourceCalls?: SourceCallAllowance;
}

/** Options of {@link ProfileService.createLoaders}. */
export interface RequestLoadersOptions {
  /** Most calls to source systems the request may cause, over every source. @default unlimited */
  maxSourceCalls?: number;
}

/** Which `Customer` field needs a source's value: its profile field, or `consentDrift` for its consent flags. */
const customerFieldOf = (provided: string): string => (provided === 'consentFlags' ? 'consentDrift' : profileFieldOf(provided));

/** Options of {@link ProfileService.createLoaders}. */
export interface CreateLoadersOptions {
  /**
   * Whether the caller may read a `Customer` field (`emails`, `crm`, `consentDrift`, ...):
   * a source none of whose fields the caller may read is never called, and is absent
   * from the profile's records and `sources`. @default () => true
   */
  readable?: (customerField: string) => boolean;
}

/** A customer found, whose profile loads (through the request's loaders) only when a field needs it. */
export interface CustomerRef {
  id: string;
}

/**
 * The 360-degree profile: finds the customer in the identity graph, loads its linked
 * records through the request's per-source loaders, and merges them. A source that
 * fails or runs out of time is left out; the profile still comes back with `sources`
 * saying which system failed and why.
 */
export class ProfileService {
  private readonly options: Required<Omit<ProfileServiceOptions, 'phone' | 'budgets'>> & Pick<ProfileServiceOptions, 'phone' | 'budgets'>;

  constructor(options: ProfileServiceOptions) {
    this.options = { maxIds: 1000, ...options };
  }

  /** The loaders for one caller's request. Make one set per request; never share them between callers. */
  createLoaders({ readable = () => true, maxSourceCalls }: CreateLoadersOptions & RequestLoadersOptions = {}): ProfileRequestLoaders {
    const sourceCalls = maxSourceCalls === undefined ? undefined : new SourceCallAllowance(maxSourceCalls);
    const called = this.options.adapters.filter((adapter) => adapter.providedFields.some((provided) => readable(customerFieldOf(provided))));
    const withheld = new Set(this.options.adapters.filter((adapter) => !called.includes(adapter)).map((adapter) => adapter.name));
    const sources = createProfileLoaders(called, this.options.budgets, sourceCalls);
    const profiles = new DataLoader<string, CustomerProfile | null>((ids) => this.loadProfiles(ids, sources, withheld), { name: 'profiles' });
    return { sources, profiles, sourceCalls };
  }

  /**
   * The customer a lookup names (following merges), or null when nobody matches. The
   * profile is not loaded here: its fields load it, so a question only about consents
   * calls no source. Source lookups spend the request's allowance of source calls.
   */
  async customer(by: CustomerLookup, loaders: ProfileRequestLoaders): Promise<CustomerRef | null> {
    const id = await this.options.resolver.findCustomer(by, this.options.adapters, { sourceCalls: loaders.sourceCalls });
    return id ? { id } : null;
  }

  /** The customers for `ids`, in order, null for an unknown id; merged ids answer with their survivor (profiles load as for {@link customer}). */
  async customers(ids: readonly string[]): Promise<(CustomerRef | null)[]> {
    if (ids.length > this.options.maxIds) throw new BadUserInputError(`\`ids\` holds ${ids.length} ids; ask for at most ${this.options.maxIds} at once.`);
    const { graph } = this.options;
    const roots = await graph.rootsOf(ids);
    const existing = await readByIds(graph.customers, [...new Set(roots.values())], { projection: { _id: 1 } });
    return ids.map((id) => (existing.has(roots.get(id)!) ? { id: roots.get(id)! } : null));
  }

  /**
   * The profile loader's batch: one links query for every customer, then one load per
   * record through the source loaders; records of `withheld` systems are not fetched.
   */
  private async loadProfiles(ids: readonly string[], sources: ProfileLoaders, withheld: ReadonlySet<string>): Promise<(CustomerProfile | null)[]> {
    const links = await this.options.graph.linksOfCustomers(ids);
    return Promise.all(
      ids.map(async (id) => {
        const customerLinks = links.get(id) ?? [];
        const reports = new Map<string, SourceCallReport>();
        const fetched = await Promise.all(
          customerLinks.map(async (link): Promise<SourceRecord | null> => {
            if (withheld.has(link.system)) return null;
            const loader = sources.get(link.system);
            if (!loader) {
              reports.set(link.system, { system: link.system, status: 'ERROR', latencyMs: 0, error: `${link.system} is no longer a connected system` });
              return null;
            }
            try {
              const { record, latencyMs } = await loader.load(link.recordId);
              if (!reports.has(link.system)) reports.set(link.system, { system: link.system, status: 'OK', latencyMs, error: null });
              return record;
            } catch (error) {
              if (!(error instanceof SourceFetchError)) throw error;
              reports.set(link.system, error.report);
              return null;
            }
          }),
        );
        const records = fetched.filter((record): record is SourceRecord => record !== null);
        const profile = mergeProfile(id, records, { config: this.options.mergeConfig, phone: this.options.phone });
        const sourcesList = [...reports.values()].sort((a, b) => a.system.localeCompare(b.system));
        const sourceConsentFlags = records.map(({ system, recordId, consentFlags }) => ({ system, recordId, flags: consentFlags }));
        return { ...profile, sources: sourcesList, unavailableFields: this.unavailableFields(sourcesList), sourceConsentFlags };
      }),
    );
  }

  private unavailableFields(reports: readonly SourceCallReport[]): Map<string, SourceCallReport[]> {
    const fields = new Map<string, SourceCallReport[]>();
    for (const report of reports) {
      if (report.status === 'OK') continue;
      const adapter = this.options.adapters.find((candidate) => candidate.name === report.system);
      for (const field of new Set((adapter?.providedFields ?? []).map(profileFieldOf))) fields.set(field, [...(fields.get(field) ?? []), report]);
    }
    return fields;
  }
}
