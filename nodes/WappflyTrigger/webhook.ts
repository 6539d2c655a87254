import { createHash, timingSafeEqual } from 'node:crypto';
import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	compileFilters,
	filterOut,
	MESSAGE_RECEIVED,
	readEnvelope,
	readReceivedMessage,
	type MessageFilterInput,
	type MessageFilters,
} from '../shared/message';
import { attachMedia } from './media';
import { ALL_EVENTS, DEFAULT_MAX_MEDIA_MB, type TriggerOptions } from './properties';
import {
	fetchSessionId,
	markSessionChecked,
	mayCheckSession,
	sessionClock,
	storedSessionId,
	storeSessionId,
} from './session';

/** Time limit of a session read made while Wappfly waits for the answer. */
const SESSION_READ_TIMEOUT_MS = 10_000;

/**
 * Bodies nested deeper are refused: n8n copies and saves an execution's items recursively, and a
 * body thousands of levels deep would crash the execution. A real message is far shallower.
 */
export const MAX_BODY_DEPTH = 64;

/** Whether objects and arrays nest more than `limit` levels deep in a parsed JSON value. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
	// Iterative, so that the check itself cannot run out of stack.
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length) {
		const [node, depth] = stack.pop()!;
		if (typeof node !== 'object' || node === null) continue;
		if (depth >= limit) return true;
		for (const child of Object.values(node)) stack.push([child, depth + 1]);
	}
	return false;
}

/** The part of n8n's (Express) response object the trigger writes to: Node's own API. */
interface WebhookResponse {
	headersSent: boolean;
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body: string): unknown;
}

/**
 * Answers the request at once, before any download, because Wappfly waits for the answer and
 * does not retry. Returns what tells n8n that the node answered itself.
 */
function answer(this: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	const res = this.getResponseObject() as unknown as WebhookResponse;
	if (!res.headersSent) {
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify(body));
	}
	return { noWebhookResponse: true };
}

/** Constant-time comparison of the `secret` query parameter with the configured secret. */
export function secretMatches(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

export function compileFiltersOrThrow(
	this: Pick<IWebhookFunctions, 'getNode' | 'getNodeParameter'>,
): MessageFilters {
	const compiled = compileFilters(this.getNodeParameter('filters', {}) as MessageFilterInput);
	if (!compiled.ok) {
		throw new NodeOperationError(
			this.getNode(),
			'The filters of the Wappfly Trigger are not valid',
			{
				description: compiled.problems.join('\n'),
			},
		);
	}
	return compiled.filters;
}

type SessionCheck = 'match' | 'mismatch' | 'unavailable';

/**
 * Compares the payload's session with the credential's line, as stored in the static data. When
 * they differ, or nothing is stored yet, the line may have changed (the credential's token was
 * switched to another line): Wappfly is asked again, but at most once a minute, so that a flood
 * of forged posts cannot become a flood of calls on the user's token. The time of the read is
 * stored before the request goes out. n8n saves it with the workflow when this call returns;
 * until then, only calls that share this static data see it (a post that n8n loaded before the
 * save may ask once too).
 */
async function checkSession(
	this: IWebhookFunctions,
	payloadSession: string | undefined,
): Promise<SessionCheck> {
	if (payloadSession === undefined) return 'mismatch';
	const stored = storedSessionId.call(this);
	if (stored === payloadSession) return 'match';
	const refused: SessionCheck = stored === undefined ? 'unavailable' : 'mismatch';
	const now = sessionClock.now();
	if (!mayCheckSession.call(this, now)) return refused;
	markSessionChecked.call(this, now);
	let current: string;
	try {
		current = await fetchSessionId.call(this, SESSION_READ_TIMEOUT_MS);
	} catch (error) {
		this.logger.warn(
			`Wappfly Trigger could not read the session of its credential: ${(error as Error).message}`,
		);
		return refused;
	}
	storeSessionId.call(this, current, now);
	return current === payloadSession ? 'match' : 'mismatch';
}

export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const options = this.getNodeParameter('options', {}) as TriggerOptions;

	const secret = String(options.webhookSecret ?? '').trim();
	if (secret !== '') {
		const query = this.getQueryData() as IDataObject;
		if (!secretMatches(query.secret, secret)) {
			return answer.call(this, 401, {
				error: 'Unauthorized: the secret query parameter is missing or wrong',
			});
		}
	}

	const filters = compileFiltersOrThrow.call(this);

	const envelope = readEnvelope(this.getBodyData() as unknown);
	if (!envelope.ok) {
		return answer.call(this, 400, { error: `Not a Wappfly webhook payload: ${envelope.reason}` });
	}
	if (nestedDeeperThan(envelope.envelope, MAX_BODY_DEPTH)) {
		return answer.call(this, 400, {
			error: `Not a Wappfly webhook payload: the body is nested more than ${MAX_BODY_DEPTH} levels deep`,
		});
	}

	if (options.verifySession !== false) {
		const check = await checkSession.call(this, envelope.sessionId);
		if (check === 'unavailable') {
			return answer.call(this, 503, {
				error: 'The session of this payload could not be verified: n8n could not reach Wappfly',
			});
		}
		if (check === 'mismatch') {
			return answer.call(this, 403, {
				error:
					"Forbidden: this payload's session is not the WhatsApp line of the trigger's credential",
			});
		}
	}

	// An expression may give one event as a string.
	const events = ([] as unknown[]).concat(this.getNodeParameter('events', [MESSAGE_RECEIVED]));
	if (!events.includes(ALL_EVENTS) && !events.includes(envelope.event)) {
		return answer.call(this, 200, { message: 'Event ignored' });
	}

	if (envelope.event !== MESSAGE_RECEIVED) {
		answer.call(this, 200, { message: 'Workflow was started' });
		return {
			noWebhookResponse: true,
			workflowData: [[{ json: { ...envelope.envelope } as IDataObject }]],
		};
	}

	const received = readReceivedMessage(envelope.envelope);
	if (!received.ok) {
		return answer.call(this, 400, { error: `Not a Wappfly webhook payload: ${received.reason}` });
	}
	const { simplified, media } = received.message;
	if (filterOut(simplified, filters) !== undefined) {
		return answer.call(this, 200, { message: 'Message ignored by the filters' });
	}

	answer.call(this, 200, { message: 'Workflow was started' });

	const simplify = this.getNodeParameter('simplify', true) as boolean;
	const item: INodeExecutionData = {
		json: simplify ? { ...simplified } : ({ ...envelope.envelope } as IDataObject),
	};
	if (options.downloadMedia === true && media) {
		const size = Number(options.maxMediaSize);
		const maxMb = Number.isFinite(size) && size > 0 ? size : DEFAULT_MAX_MEDIA_MB;
		await attachMedia.call(
			this,
			item,
			media,
			simplified.messageId,
			Math.floor(maxMb * 1024 * 1024),
		);
	}
	return { noWebhookResponse: true, workflowData: [[item]] };
}
