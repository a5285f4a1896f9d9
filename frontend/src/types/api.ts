// The shapes that cross the wire, named for the features. They are generated from the app's own
// OpenAPI document (`npm run generate-api` writes src/lib/api-schema.d.ts), never copied by hand.
import type { components } from '@/lib/api-schema';

type Schemas = components['schemas'];

export type Photo = Schemas['Photo'];
export type Me = Schemas['Me'];
/** Another person; `distance_miles` and `shared_interests` come with discovery results only. */
export type Profile = Schemas['Profile'];
export type Message = Schemas['Message'];
export type Match = Schemas['Match'];
export type AuthResponse = Schemas['Tokens'];
export type ProfileUpdate = Schemas['ProfileUpdate'];
export type DiscoverPage = Schemas['DiscoverResult'];
export type WiderReach = Schemas['WiderReach'];
export type Hangout = Schemas['Hangout'];
export type HangoutOption = Schemas['TimeOption'];
export type PlaceKind = Hangout['place_kind'];
export type UndoResult = Schemas['UndoResult'];
/** The data of a `typing` event (not part of the OpenAPI document: it travels on the event stream). */
export type TypingSignal = { match_id: number; user_id: number };
export type ApiSchemas = Schemas;

export type ReportCategory = Schemas['CaseReport']['category'];
export type ModerationActionName = Schemas['ActionRequest']['action'];
export type BlockedPerson = Schemas['BlockedPerson'];
export type CaseSummary = Schemas['CaseSummary'];
export type CaseReport = Schemas['CaseReport'];
export type ModerationAction = Schemas['Action'];
export type Appeal = Schemas['Appeal'];
export type ModerationCase = Schemas['Case'];
/** A decision on one's own account, as the person hears of it (never who reported). */
export type ModerationNotice = Schemas['Notice'];
export type MyModeration = Schemas['MyModeration'];
/** The answer of a request the server took in (a mail on its way, a password set). */
export type Accepted = Schemas['Accepted'];
