import { isIP } from 'node:net';
import { BadUserInputError } from '../errors/gateway-error';
import { normaliseContactPoint } from './contact-point';
import type { ConsentVocabulary } from './consent-vocabulary';
import {
  consentKey,
  consentMethods,
  legalBases,
  type ChangeActor,
  type ChangeAuthor,
  type ChangeRecorder,
  type ChangeEvidence,
  type ChangeSource,
  type ConsentEventChange,
  type ConsentMethod,
  type LegalBasis,
  type ObservedRequest,
  type PreferenceValues,
} from './consent-model';
import type { ChangeEnvelopeInput, ChangeEvidenceInput, ConsentChangeInput, PreferenceChangeInput } from './consent-inputs';
import { payloadHash } from './payload-hash';

/** A change that passed validation, normalised, ready to become an event. */
export interface ValidChange {
  /** Its position in the request. */
  index: number;
  /** The customer id as requested (the directory may redirect it to a survivor). */
  customerId: string;
  consent: Omit<ConsentEventChange, 'from'> | null;
  preferences: PreferenceValues | null;
  capturedAt: Date;
  source: ChangeSource;
  actor: ChangeActor;
  /** The principal that sent it; not part of the payload an idempotency key stands for. */
  recordedBy: ChangeRecorder | null;
  method: ConsentMethod;
  legalBasis: LegalBasis | null;
  evidence: ChangeEvidence | null;
  idempotencyKey: string | null;
  payloadHash: string;
}

/** What validation needs to know. */
export interface ValidationContext {
  vocabulary: ConsentVocabulary;
  /** The present instant. */
  now: Date;
  /** How far in the future `capturedAt` may lie (clock skew between systems), in ms. */
  clockSkewMs: number;
  /** Most changes in one request. */
  maxBatchSize: number;
  /** Who sent the request: the actor of changes that name none, and recorded beside each. Absent: every change must name its actor. */
  author?: ChangeAuthor;
}

const statuses = new Set(['GRANTED', 'DENIED', 'PENDING', 'UNKNOWN']);
const actorKinds = new Set(['CUSTOMER', 'AGENT', 'SYSTEM']);
const maxText = 2000;

/** Collects every problem of a request, so the error names them all; nothing is written unless none. */
class Problems {
  readonly list: { field: string; problem: string }[] = [];
  add(field: string, problem: string): void {
    this.list.push({ field, problem });
  }
  throwIfAny(): void {
    const first = this.list[0];
    if (!first) return;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more problem(s), listed in extensions.fields)` : '';
    throw new BadUserInputError(`${first.field}: ${first.problem}${more}. Nothing was written.`, {
      extensions: { field: first.field, fields: this.list },
    });
  }
}

function text(problems: Problems, field: string, value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) problems.add(field, 'is required');
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, 'must be a non-empty string');
    return null;
  }
  if (value.length > maxText || value.includes('\0')) {
    problems.add(field, `must be at most ${maxText} characters without NUL`);
    return null;
  }
  return value.trim();
}

function validDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function checkBatch(problems: Problems, changes: readonly unknown[], context: ValidationContext): void {
  if (changes.length === 0) problems.add('changes', 'must hold at least one change');
  if (changes.length > context.maxBatchSize) {
    problems.add('changes', `holds ${changes.length} changes; at most ${context.maxBatchSize} are accepted per request`);
  }
  problems.throwIfAny();
}

function envelope(problems: Problems, input: ChangeEnvelopeInput, path: string, context: ValidationContext) {
  const customerId = text(problems, `${path}.customerId`, input.customerId, true) ?? '';
  let capturedAt = new Date(0);
  if (!validDate(input.capturedAt)) problems.add(`${path}.capturedAt`, 'must be a date-time');
  else if (input.capturedAt.getTime() > context.now.getTime() + context.clockSkewMs) {
    problems.add(`${path}.capturedAt`, `lies in the future (more than ${context.clockSkewMs / 1000} s ahead of the store's clock)`);
  } else capturedAt = input.capturedAt;

  let source: ChangeSource = { system: '', recordId: '' };
  if (!input.source) problems.add(`${path}.source`, 'is required: the system and record the change came from');
  else {
    source = {
      system: text(problems, `${path}.source.system`, input.source.system, true) ?? '',
      recordId: text(problems, `${path}.source.recordId`, input.source.recordId, true) ?? '',
    };
  }

  let actor: ChangeActor = context.author?.actor ?? { kind: 'SYSTEM', id: '' };
  if (!input.actor) {
    if (!context.author) problems.add(`${path}.actor`, 'is required: who made the change (CUSTOMER, AGENT or SYSTEM, and an id)');
  } else {
    if (!actorKinds.has(input.actor.kind as string)) problems.add(`${path}.actor.kind`, 'must be CUSTOMER, AGENT or SYSTEM');
    actor = { kind: input.actor.kind as ChangeActor['kind'], id: text(problems, `${path}.actor.id`, input.actor.id, true) ?? '' };
  }

  if (!consentMethods.includes(input.method as ConsentMethod)) {
    problems.add(`${path}.method`, `must be one of ${consentMethods.join(', ')}`);
  }
  if (input.legalBasis != null && !legalBases.includes(input.legalBasis)) {
    problems.add(`${path}.legalBasis`, `must be one of ${legalBases.join(', ')}`);
  }

  // What a customer's browser says of its own address and user agent is not evidence: the gateway's observation replaces it (finish).
  const given = input.evidence && context.author?.observed ? { ...input.evidence, ip: null, userAgent: null } : input.evidence;
  const evidence = evidenceOf(problems, `${path}.evidence`, given ?? null);
  const idempotencyKey = text(problems, `${path}.idempotencyKey`, input.idempotencyKey, false);
  if (idempotencyKey !== null && idempotencyKey.length > 200) problems.add(`${path}.idempotencyKey`, 'must be at most 200 characters');

  return {
    customerId,
    capturedAt,
    source,
    actor,
    recordedBy: context.author?.recordedBy ?? null,
    method: input.method as ConsentMethod,
    legalBasis: input.legalBasis ?? null,
    evidence,
    idempotencyKey,
  };
}

/** A BCP 47 tag in its canonical form (`en-gb` -> `en-GB`), or null with a problem noted. */
function languageTag(problems: Problems, field: string, value: string): string | null {
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    problems.add(field, 'must be a BCP 47 language tag such as en-GB');
    return null;
  }
}

function evidenceOf(problems: Problems, path: string, input: ChangeEvidenceInput | null): ChangeEvidence | null {
  if (!input) return null;
  const ip = text(problems, `${path}.ip`, input.ip, false);
  if (ip !== null && isIP(ip) === 0) problems.add(`${path}.ip`, 'must be an IPv4 or IPv6 address');
  const locale = text(problems, `${path}.locale`, input.locale, false);
  const canonicalLocale = locale === null ? null : languageTag(problems, `${path}.locale`, locale);
  return {
    noticeVersion: text(problems, `${path}.noticeVersion`, input.noticeVersion, false),
    textShown: text(problems, `${path}.textShown`, input.textShown, false),
    ip,
    userAgent: text(problems, `${path}.userAgent`, input.userAgent, false),
    // Only when given, so that the payload of a change without it hashes as it did before `locale` existed.
    ...(canonicalLocale !== null ? { locale: canonicalLocale } : {}),
  };
}

/** Checks the evidence of a double opt-in confirmation (BAD_USER_INPUT naming the field); the request's observation as in a change. */
export function validateEvidence(input: ChangeEvidenceInput | null, field: string, observed?: ObservedRequest): ChangeEvidence | null {
  const problems = new Problems();
  const evidence = evidenceOf(problems, field, input && observed ? { ...input, ip: null, userAgent: null } : input);
  problems.throwIfAny();
  return withObservedRequest(evidence, observed);
}

/**
 * The evidence as kept: for a customer's own change, the IP address and user agent the
 * gateway saw the request come with, whatever the change said (and with no evidence given).
 */
function withObservedRequest(evidence: ChangeEvidence | null, observed: ObservedRequest | undefined): ChangeEvidence | null {
  if (!observed) return evidence;
  return { ...(evidence ?? { noticeVersion: null, textShown: null }), ip: observed.ip, userAgent: observed.userAgent };
}

function finish(problems: Problems, changes: Omit<ValidChange, 'payloadHash'>[], observed: ObservedRequest | undefined): ValidChange[] {
  // What the gateway saw of the request is not part of the payload a key stands for (like recordedBy): a retry from another network replays.
  const valid = changes.map((change) => {
    const { index: _index, idempotencyKey: _key, recordedBy: _recordedBy, ...payload } = change;
    return { ...change, evidence: withObservedRequest(change.evidence, observed), payloadHash: payloadHash(payload) };
  });
  // The same key twice in one request with different payloads can only be a caller's mistake.
  const seen = new Map<string, ValidChange>();
  for (const change of valid) {
    if (change.idempotencyKey === null) continue;
    const first = seen.get(change.idempotencyKey);
    if (first && first.payloadHash !== change.payloadHash) {
      problems.add(`changes[${change.index}].idempotencyKey`, `repeats the key of changes[${first.index}] with a different change`);
    }
    if (!first) seen.set(change.idempotencyKey, change);
  }
  problems.throwIfAny();
  return valid;
}

/** Validates and normalises a `recordConsent` request; throws BAD_USER_INPUT naming every bad field, before anything is written. */
export function validateConsentChanges(changes: readonly ConsentChangeInput[], context: ValidationContext): ValidChange[] {
  const problems = new Problems();
  checkBatch(problems, changes, context);
  const channels = new Map(context.vocabulary.channels.map((channel) => [channel.name, channel]));
  const normalised = changes.map((input, index) => {
    const path = `changes[${index}]`;
    const base = envelope(problems, input, path, context);
    const channel = channels.get(input.channel);
    if (!channel) problems.add(`${path}.channel`, `must be one of ${[...channels.keys()].join(', ')}`);
    if (!context.vocabulary.purposes.includes(input.purpose)) {
      problems.add(`${path}.purpose`, `must be one of ${context.vocabulary.purposes.join(', ')}`);
    }
    if (!statuses.has(input.status)) problems.add(`${path}.status`, 'must be GRANTED, DENIED, PENDING or UNKNOWN');
    // A customer's own grant on a double opt-in channel starts as PENDING; only the confirmation makes it GRANTED.
    if (input.status === 'GRANTED' && channel?.doubleOptIn && context.author?.recordedBy.kind === 'CUSTOMER') {
      problems.add(`${path}.status`, `cannot be GRANTED by the customer on ${channel.name}, which asks for a double opt-in: record PENDING, then confirm with the token sent to the person`);
    }
    let contactPoint: string | null = null;
    if (input.contactPoint != null && channel) {
      contactPoint = normaliseContactPoint(channel.contactPoint, input.contactPoint);
      if (contactPoint === null) {
        const expected = { email: 'an email address', phone: 'a phone number in international form (+44...)', opaque: 'a non-empty value' };
        problems.add(`${path}.contactPoint`, `is not ${expected[channel.contactPoint]}`);
      }
    }
    let expiresAt: Date | null = null;
    if (input.expiresAt != null) {
      if (!validDate(input.expiresAt)) problems.add(`${path}.expiresAt`, 'must be a date-time');
      else if (input.expiresAt.getTime() <= base.capturedAt.getTime()) problems.add(`${path}.expiresAt`, 'must be after capturedAt');
      else expiresAt = input.expiresAt;
    }
    return {
      index,
      ...base,
      consent: {
        key: consentKey(input.channel, input.purpose, contactPoint),
        channel: input.channel,
        purpose: input.purpose,
        contactPoint,
        to: input.status,
        expiresAt,
      },
      preferences: null,
    };
  });
  problems.throwIfAny();
  return finish(problems, normalised, context.author?.observed);
}

/** Validates and normalises an `updatePreferences` request, likewise all or nothing. */
export function validatePreferenceChanges(changes: readonly PreferenceChangeInput[], context: ValidationContext): ValidChange[] {
  const problems = new Problems();
  checkBatch(problems, changes, context);
  const channelNames = context.vocabulary.channels.map((channel) => channel.name);
  const normalised = changes.map((input, index) => {
    const path = `changes[${index}]`;
    const base = envelope(problems, input, path, context);
    const preferences: PreferenceValues = {};
    if (input.topics != null) {
      const unknown = input.topics.find((topic) => !context.vocabulary.topics.includes(topic));
      if (unknown !== undefined) problems.add(`${path}.topics`, `must only hold ${context.vocabulary.topics.join(', ')}`);
      preferences.topics = [...new Set(input.topics)].sort();
    }
    if (input.frequency != null) {
      if (!context.vocabulary.frequencies.includes(input.frequency)) {
        problems.add(`${path}.frequency`, `must be one of ${context.vocabulary.frequencies.join(', ')}`);
      }
      preferences.frequency = input.frequency;
    }
    if (input.preferredChannel != null) {
      if (!channelNames.includes(input.preferredChannel)) problems.add(`${path}.preferredChannel`, `must be one of ${channelNames.join(', ')}`);
      preferences.preferredChannel = input.preferredChannel;
    }
    if (input.language != null) {
      const language = languageTag(problems, `${path}.language`, input.language);
      if (language !== null) preferences.language = language;
    }
    if (Object.keys(preferences).length === 0) {
      problems.add(path, 'sets no preference: give at least one of topics, frequency, preferredChannel, language');
    }
    return { index, ...base, consent: null, preferences };
  });
  problems.throwIfAny();
  return finish(problems, normalised, context.author?.observed);
}
