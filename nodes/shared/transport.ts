import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { apiError, networkError, nonJsonError } from './errors';
import { StreamedJsonBody } from './media';

export const CREDENTIAL_TYPE = 'wappflyApi';
export const DEFAULT_TIMEOUT_MS = 60_000;

export type WappflyContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| IPollFunctions;

export interface WappflyRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/api/messages/send`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | StreamedJsonBody;
	timeoutMs?: number;
}

export interface WappflyCredentials {
	apiToken: string;
	baseUrl?: string;
}

/** The credential's base URL without trailing slashes or a pasted `/api` suffix. */
export function normalizeBaseUrl(baseUrl: string | undefined): string {
	const trimmed = (baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/api$/i, '');
	return trimmed || 'https://wappfly.com';
}

export async function getWappflyCredentials(
	this: WappflyContext,
	itemIndex?: number,
): Promise<WappflyCredentials> {
	const credentials = (await (this as IExecuteFunctions).getCredentials(
		CREDENTIAL_TYPE,
		itemIndex,
	)) as unknown as WappflyCredentials;
	return credentials;
}

/**
 * The one way this package talks to Wappfly: authenticates with the credential, and turns every
 * failure into a NodeApiError carrying Wappfly's own message and a hint on how to fix it.
 */
export async function wappflyApiRequest(
	this: WappflyContext,
	request: WappflyRequest,
	itemIndex?: number,
): Promise<unknown> {
	const credentials = await getWappflyCredentials.call(this, itemIndex);
	const baseURL = normalizeBaseUrl(credentials.baseUrl);
	const timeout = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;

	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL,
		url: request.path,
		qs: request.qs,
		json: true,
		timeout,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		headers: { Accept: 'application/json' },
	};
	if (request.body instanceof StreamedJsonBody) {
		options.body = request.body as unknown as IDataObject;
		options.headers = {
			...options.headers,
			'Content-Type': 'application/json',
			'Content-Length': String(request.body.size),
		};
	} else if (request.body) {
		options.body = request.body;
		options.headers = { ...options.headers, 'Content-Type': 'application/json' };
	}

	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		throw networkError(this.getNode(), error, baseURL, timeout, credentials.apiToken, itemIndex);
	}

	const { statusCode, body } = response;
	if (statusCode >= 400) {
		throw apiError(this.getNode(), statusCode, body, credentials.apiToken, itemIndex);
	}
	if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) {
		throw nonJsonError(this.getNode(), statusCode, body, credentials.apiToken, itemIndex);
	}
	return body;
}
