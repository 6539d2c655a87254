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
 * message may not be the one that activated the workflow, so nothing is kept in memory.
 */
/**
 * Where the trigger reads the time (ms since epoch). Not state: tests replace `now` to move time
 * without waiting.
 */
export const sessionClock = { now: (): number => Date.now() };

interface TriggerStaticData extends IDataObject {
	sessionId?: string;
}

export function storedSessionId(this: IHookFunctions | IWebhookFunctions): string | undefined {
	const { sessionId } = this.getWorkflowStaticData('node') as TriggerStaticData;
	return typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined;
}

export function storeSessionId(this: IHookFunctions | IWebhookFunctions, sessionId: string): void {
	(this.getWorkflowStaticData('node') as TriggerStaticData).sessionId = sessionId;
}

export function forgetSessionId(this: IHookFunctions): void {
	delete (this.getWorkflowStaticData('node') as TriggerStaticData).sessionId;
}

/** Reads the session ID of the credential's line with `GET /api/me`. */
export async function fetchSessionId(this: IHookFunctions | IWebhookFunctions): Promise<string> {
	let me: unknown;
	try {
		me = await wappflyApiRequest.call(this, { method: 'GET', path: '/api/me' });
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
