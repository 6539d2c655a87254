import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { wappflyApiRequest } from '../shared/transport';

/**
 * The trigger remembers the session (WhatsApp line) of its credential in the workflow's static
 * data, which n8n stores with the workflow: in queue mode the webhook process that receives a
 * message may not be the one that activated the workflow, so nothing is kept in memory. n8n
 * builds each webhook request's workflow from the static data last saved, and saves it after the
 * node's `webhook()` has returned when it changed.
 */
interface TriggerStaticData extends IDataObject {
	sessionId?: string;
	/** When Wappfly was last asked for the session (ms since epoch), whether it answered or not. */
	sessionCheckedAt?: number;
}

/** Wappfly is asked for the line's session at most once in this time, whatever is posted. */
export const SESSION_RECHECK_MS = 60_000;

/**
 * Where the trigger reads the time (ms since epoch). Not state: tests replace `now` to move time
 * without waiting.
 */
export const sessionClock = { now: (): number => Date.now() };

function staticData(this: IHookFunctions | IWebhookFunctions): TriggerStaticData {
	return this.getWorkflowStaticData('node') as TriggerStaticData;
}

export function storedSessionId(this: IHookFunctions | IWebhookFunctions): string | undefined {
	const { sessionId } = staticData.call(this);
	return typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined;
}

/** Stores the line's session, read from Wappfly at `checkedAt`. */
export function storeSessionId(
	this: IHookFunctions | IWebhookFunctions,
	sessionId: string,
	checkedAt: number = sessionClock.now(),
): void {
	const data = staticData.call(this);
	data.sessionId = sessionId;
	data.sessionCheckedAt = checkedAt;
}

export function forgetSessionId(this: IHookFunctions): void {
	const data = staticData.call(this);
	delete data.sessionId;
	delete data.sessionCheckedAt;
}

/**
 * Whether Wappfly may be asked for the session at `now`: not when it was asked less than a minute
 * before. A time that is missing, unreadable or in the future (another process's clock) does not
 * hold a read back.
 */
export function mayCheckSession(this: IWebhookFunctions, now: number): boolean {
	const checkedAt = staticData.call(this).sessionCheckedAt;
	if (typeof checkedAt !== 'number' || !Number.isFinite(checkedAt)) return true;
	const age = now - checkedAt;
	return age < 0 || age >= SESSION_RECHECK_MS;
}

/** Records that Wappfly is being asked now, before its answer: a failed read counts too. */
export function markSessionChecked(this: IWebhookFunctions, now: number): void {
	staticData.call(this).sessionCheckedAt = now;
}

/**
 * Reads the session ID of the credential's line with `GET /api/me` (free: no quota). A webhook
 * passes a shorter time limit, because Wappfly waits for its answer.
 */
export async function fetchSessionId(
	this: IHookFunctions | IWebhookFunctions,
	timeoutMs?: number,
): Promise<string> {
	let me: unknown;
	try {
		me = await wappflyApiRequest.call(this, { method: 'GET', path: '/api/me', timeoutMs });
	} catch (error) {
		const cause = error as NodeApiError;
		throw new NodeApiError(
			this.getNode(),
			{ message: cause.message, httpCode: cause.httpCode ?? null } as JsonObject,
			{
				message: `Could not read the WhatsApp line of this credential from Wappfly: ${cause.message}`,
				description: cause.description ?? undefined,
				httpCode: cause.httpCode ?? undefined,
			},
		);
	}
	const session = (me as { session?: { id?: unknown } }).session;
	const id = session?.id;
	if ((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id !== '')) {
		return String(id);
	}
	throw new NodeOperationError(
		this.getNode(),
		'Wappfly answered GET /api/me without a session ID',
		{
			description:
				'The Base URL of the Wappfly credential may not point at the Wappfly API. Check it, or turn off the Verify Session option.',
		},
	);
}
