import { callSettings } from '../http/http-request';
import type { CallOptions } from '../source-adapter';
import type { MailchimpClient } from './mailchimp-client';

/** What a member's ids are shown as: the audience's name and each interest's name. */
export interface AudienceNames {
  listName: string;
  /** Interest id -> its name ("group name" in the Mailchimp app). */
  interestNames: ReadonlyMap<string, string>;
}

/** Options of {@link MailchimpAudienceNames}. */
export interface MailchimpAudienceNamesOptions {
  /** How long names are used before they are read again (in the background), in ms. @default 600000 */
  ttlMs?: number;
  /** The least time between reads caused by an interest id the names do not hold yet, in ms. @default 30000 */
  unknownIdRefreshMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

/** Mailchimp's largest page of a collection. */
const MAX_COUNT = 1000;

/**
 * The names behind a member's raw ids, read from the API and kept: a member carries its
 * audience as `list_id` and its interests as `{"<interest id>": true}`, while people
 * know them by name. Names are read with `GET /lists/{list_id}` (the audience's `name`),
 * `GET /lists/{list_id}/interest-categories` and, per category, `GET .../interests`
 * (each interest's `name`), paged by `count`/`offset`, only the fields needed.
 * https://mailchimp.com/developer/marketing/api/lists/get-list-info/
 * https://mailchimp.com/developer/marketing/api/interest-categories/list-interest-categories/
 * https://mailchimp.com/developer/marketing/api/interests/list-interests-in-category/
 *
 * The first read is awaited (it runs beside the member reads); afterwards names older
 * than `ttlMs` are served while one read refreshes them, and an interest id the names
 * do not know (created since) makes one awaited read, at most every `unknownIdRefreshMs`.
 * Concurrent callers share one read.
 */
export class MailchimpAudienceNames {
  private names: AudienceNames | undefined;
  private readAt = 0;
  private reading: Promise<AudienceNames> | undefined;
  private readonly ttlMs: number;
  private readonly unknownIdRefreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: MailchimpClient,
    private readonly listPath: string,
    { ttlMs = 600_000, unknownIdRefreshMs = 30_000, now = Date.now }: MailchimpAudienceNamesOptions = {},
  ) {
    this.ttlMs = ttlMs;
    this.unknownIdRefreshMs = unknownIdRefreshMs;
    this.now = now;
  }

  /** The names, fresh enough for `interestIds` (the ids about to be shown). */
  async get(options: CallOptions, interestIds: Iterable<string> = []): Promise<AudienceNames> {
    const names = this.names;
    if (!names) return this.read(options);
    const age = this.now() - this.readAt;
    const unknown = [...interestIds].some((id) => !names.interestNames.has(id));
    if (unknown && age >= this.unknownIdRefreshMs) return this.read(options).catch(() => names);
    if (age >= this.ttlMs) this.read(options).catch(() => undefined); // refresh behind; stale names meanwhile
    return names;
  }

  /** One read at a time; a failed read is forgotten (the names held, if any, stay). */
  private read(options: CallOptions): Promise<AudienceNames> {
    // Shared by concurrent callers: their budget and lane, never one caller's signal.
    const settings = callSettings({ budgetMs: options.budgetMs, lane: options.lane });
    this.reading ??= this.fetchNames(settings)
      .then((names) => {
        this.names = names;
        this.readAt = this.now();
        return names;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  private async fetchNames(settings: ReturnType<typeof callSettings>): Promise<AudienceNames> {
    const [list, categories] = await Promise.all([
      this.client.send<{ name?: string }>({ operation: 'list', method: 'GET', path: this.listPath, query: { fields: 'name' }, ...settings }),
      this.pages<{ id: string }>(`${this.listPath}/interest-categories`, 'categories', 'categories.id', settings),
    ]);
    const interests = await Promise.all(
      categories.map((category) =>
        this.pages<{ id: string; name: string }>(
          `${this.listPath}/interest-categories/${encodeURIComponent(category.id)}/interests`,
          'interests',
          'interests.id,interests.name',
          settings,
        ),
      ),
    );
    return {
      listName: list.body?.name ?? '',
      interestNames: new Map(interests.flat().map((interest) => [interest.id, interest.name])),
    };
  }

  /** Every item of a collection, `count` 1,000 a page. */
  private async pages<T>(path: string, key: string, fields: string, settings: ReturnType<typeof callSettings>): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const { body } = await this.client.send<Record<string, unknown> & { total_items?: number }>({
        operation: 'names',
        method: 'GET',
        path,
        query: { count: MAX_COUNT, offset, fields: `${fields},total_items` },
        ...settings,
      });
      const page = (body?.[key] as T[] | undefined) ?? [];
      items.push(...page);
      offset += page.length;
      if (page.length === 0 || offset >= (body?.total_items ?? 0)) return items;
    }
  }
}
