import type {
	IBinaryData,
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
import { NodeOperationError } from 'n8n-workflow';

import { apiError, networkError, nonJsonError, redact, redirectError } from './errors';
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
 * The credential as read once, for any number of requests. n8n loads a credential from its
 * database and decrypts it on every read, which costs more than a loopback request: a node
 * sending many items reads it once (`openWappflyConnection`) and passes it to every call.
 */
export interface WappflyConnection {
	credentials: WappflyCredentials;
	/** The credential's Base URL, normalized: the only origin the token is sent to. */
	baseURL: string;
	/** The same credential, given to httpRequestWithAuthentication so that it is not read again. */
	authentication: AuthenticationOptions;
}

type AuthenticationOptions = Parameters<
	IExecuteFunctions['helpers']['httpRequestWithAuthentication']
>[2];

export async function openWappflyConnection(
	this: WappflyContext,
	itemIndex?: number,
): Promise<WappflyConnection> {
	const data = await (this as IExecuteFunctions).getCredentials(CREDENTIAL_TYPE, itemIndex);
	const credentials = data as unknown as WappflyCredentials;
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		credentials,
		baseURL: normalizeBaseUrl(credentials.baseUrl),
		authentication: {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CREDENTIAL_TYPE,
				data,
			},
		},
	};
}

/**
 * The one way this package talks to Wappfly: authenticates with the credential, and turns every
 * failure into a NodeApiError carrying Wappfly's own message and a hint on how to fix it.
 * Without a `connection`, the credential is read for this request alone.
 */
export async function wappflyApiRequest(
	this: WappflyContext,
	request: WappflyRequest,
	itemIndex?: number,
	connection?: WappflyConnection,
): Promise<unknown> {
	const { credentials, baseURL, authentication } =
		connection ?? (await openWappflyConnection.call(this, itemIndex));
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
		// The HTTP client would send X-API-Token along to wherever a redirect points: a 3xx is
		// answered with redirectError below instead (and an upload is never replayed).
		disableFollowRedirect: true,
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
		// n8n still applies the credential's `authenticate` to the request; given the decrypted
		// credential, it does not load and decrypt it again.
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
			authentication,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		throw networkError(this.getNode(), error, baseURL, timeout, credentials.apiToken, itemIndex);
	}

	const { statusCode, body } = response;
	if (statusCode >= 300 && statusCode < 400) {
		throw redirectError(
			this.getNode(),
			statusCode,
			response.headers.location,
			itemIndex,
			`${baseURL}${request.path}`,
			credentials.apiToken,
		);
	}
	if (statusCode >= 400) {
		throw apiError(this.getNode(), statusCode, body, credentials.apiToken, itemIndex);
	}
	if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) {
		throw nonJsonError(this.getNode(), statusCode, body, credentials.apiToken, itemIndex);
	}
	return body;
}

/**
 * Says why a URL must not be fetched (the first one or any redirect hop), or undefined when it
 * may; `wappflyOrigin` is the origin of the credential's Base URL.
 */
export type DownloadRule = (url: URL, wappflyOrigin: string) => string | undefined;

export interface DownloadOptions {
	/** Checked before every request, redirect hops included: a refusal fetches nothing. */
	allow?: DownloadRule;
}

export interface MediaDownloadOptions extends DownloadOptions {
	/** Files larger than this are refused, before or while they arrive. */
	maxBytes: number;
	timeoutMs?: number;
}

export interface DownloadedMedia {
	body: Buffer;
	contentType?: string;
	contentDisposition?: string;
}

const MAX_REDIRECTS = 5;

interface ByteStream extends AsyncIterable<Uint8Array> {
	destroy?: () => void;
}

function isByteStream(value: unknown): value is ByteStream {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ByteStream)[Symbol.asyncIterator] === 'function'
	);
}

export function discard(body: unknown): void {
	if (isByteStream(body)) body.destroy?.();
}

export function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

export function megabytes(bytes: number): string {
	return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

function tooLarge(maxBytes: number, byteLength?: number): string {
	return byteLength === undefined
		? `the file is larger than the Max Media Size of ${megabytes(maxBytes)}`
		: `the file has ${byteLength} bytes, more than the Max Media Size of ${megabytes(maxBytes)}`;
}

/** Why a download cannot be used; `tooLarge` when the Max Media Size is the reason. */
export interface DownloadProblem {
	reason: string;
	tooLarge: boolean;
}

/**
 * Refuses, from the headers alone, what cannot be read within the limits: downloads ask for
 * `Accept-Encoding: identity`, and n8n's HTTP client decodes gzip, deflate and br itself (and
 * drops their Content-Encoding header), so any encoding still named here is one it cannot decode.
 * A Content-Length is only a first check: the bytes are counted as they arrive.
 */
function checkDownloadHeaders(
	headers: IDataObject,
	maxBytes: number,
): { declared?: number; problem?: DownloadProblem } {
	const encoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
	if (encoding && encoding !== 'identity') {
		return {
			problem: {
				reason: `the server sent the file encoded as "${encoding}", although n8n asked for it unencoded (Accept-Encoding: identity)`,
				tooLarge: false,
			},
		};
	}
	const length = Number(headerValue(headers, 'content-length'));
	if (!Number.isSafeInteger(length) || length < 0) return {};
	if (length > maxBytes) return { problem: { reason: tooLarge(maxBytes, length), tooLarge: true } };
	return { declared: length };
}

async function readCapped(body: unknown, maxBytes: number): Promise<Buffer> {
	if (Buffer.isBuffer(body)) {
		if (body.length > maxBytes) throw new Error(tooLarge(maxBytes, body.length));
		return body;
	}
	if (!isByteStream(body)) throw new Error('the download returned no bytes');
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of body) {
			total += chunk.byteLength;
			if (total > maxBytes) throw new Error(tooLarge(maxBytes));
			chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
		}
	} finally {
		if (total > maxBytes) body.destroy?.();
	}
	return Buffer.concat(chunks, total);
}

export interface OpenedDownload {
	/** The URL that answered, after redirects. */
	url: string;
	statusCode: number;
	headers: IDataObject;
	/** The body, not read yet: read it, or `discard` it. */
	body: unknown;
	/** Whether the time allowed for the whole download has run out. */
	timedOut: () => boolean;
	/** The time allowed for the whole download. */
	timeoutMs: number;
}

/**
 * Opens a download of a file: the `url` of a WhatsApp media message, or a link given to a
 * send. The Wappfly token is sent only to the origin of the credential's base URL, and redirects
 * are followed here, hop by hop, so that it never follows a redirect to another host. The body
 * is handed out as a stream, so that large files need not be held in memory.
 */
export async function openDownload(
	this: WappflyContext,
	url: string,
	timeoutMs: number = DEFAULT_TIMEOUT_MS,
	options: DownloadOptions = {},
): Promise<OpenedDownload> {
	const fail = (message: string) => new NodeOperationError(this.getNode(), message);
	const credentials = await getWappflyCredentials.call(this);
	const wappflyOrigin = new URL(normalizeBaseUrl(credentials.baseUrl)).origin;
	const deadline = AbortSignal.timeout(timeoutMs);

	let target: URL;
	try {
		target = new URL(url);
	} catch {
		throw fail('the URL is not a valid URL');
	}
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		if (target.protocol !== 'https:' && target.protocol !== 'http:') {
			throw fail(`the URL uses ${target.protocol}, not http or https`);
		}
		const refusal = options.allow?.(target, wappflyOrigin);
		if (refusal) {
			throw fail(
				hop === 0
					? refusal
					: `the download was redirected to ${target.origin}${target.pathname}, and ${refusal}: it was not followed`,
			);
		}
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: target.href,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: timeoutMs,
			abortSignal: deadline,
			// The length a server announces is then the length of the file (see spoolDownload).
			headers: { 'Accept-Encoding': 'identity' },
		};
		let response: IN8nHttpFullResponse;
		try {
			response = (
				target.origin === wappflyOrigin
					? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request)
					: await this.helpers.httpRequest(request)
			) as IN8nHttpFullResponse;
		} catch (error) {
			const detail = deadline.aborted
				? `no complete answer within ${Math.round(timeoutMs / 1000)} seconds`
				: ((error as Error).message ?? String(error));
			throw fail(redact(`the download failed: ${detail}`, credentials.apiToken));
		}
		const { statusCode, headers, body } = response;
		const location = headerValue(headers, 'location');
		if (statusCode >= 300 && statusCode < 400 && location) {
			discard(body);
			try {
				target = new URL(location, target);
			} catch {
				throw fail('the download was redirected to an invalid URL');
			}
			continue;
		}
		return {
			url: target.href,
			statusCode,
			headers,
			body,
			timedOut: () => deadline.aborted,
			timeoutMs,
		};
	}
	throw fail(`the download was redirected more than ${MAX_REDIRECTS} times`);
}

/** Downloads a media file into memory, failing when it is larger than `maxBytes`. */
export async function downloadMedia(
	this: WappflyContext,
	url: string,
	options: MediaDownloadOptions,
): Promise<DownloadedMedia> {
	const fail = (message: string) => new NodeOperationError(this.getNode(), message);
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const { statusCode, headers, body, timedOut } = await openDownload.call(this, url, timeoutMs, {
		allow: options.allow,
	});
	if (statusCode >= 300) {
		discard(body);
		throw fail(`the download was answered with HTTP ${statusCode}`);
	}
	const { problem } = checkDownloadHeaders(headers, options.maxBytes);
	if (problem) {
		discard(body);
		throw fail(problem.reason);
	}
	try {
		return {
			body: await readCapped(body, options.maxBytes),
			contentType: headerValue(headers, 'content-type'),
			contentDisposition: headerValue(headers, 'content-disposition'),
		};
	} catch (error) {
		throw fail(
			timedOut()
				? `no complete answer within ${Math.round(timeoutMs / 1000)} seconds`
				: (error as Error).message,
		);
	}
}

/** The part of Node's stream.Readable that spoolDownload uses (nodes may not import `stream`). */
interface NodeReadable {
	map(fn: (chunk: Buffer) => Buffer): NodeReadable;
	destroy(error?: Error): void;
}

export type SpooledDownload =
	| {
			ok: true;
			/** Where n8n keeps the file: on disk in filesystem mode (`id`), else in memory (`data`). */
			binary: IBinaryData;
	  }
	| ({ ok: false } & DownloadProblem);

function decodingFailed(reason: string): boolean {
	return /decompress|incorrect header check|invalid (block|stored|distance)|Z_DATA_ERROR/i.test(
		reason,
	);
}

/**
 * Stores a download through n8n's binary-data helpers, counting the bytes as they arrive and
 * stopping at `maxBytes`, so that a file whose length is unknown or untrustworthy (chunked,
 * decoded from gzip, cut off) is sent only once it is complete, with its real length. In
 * filesystem mode the bytes go to n8n's own store on disk and memory stays flat; in memory mode
 * n8n holds them in memory, as it does every binary file there. When the file is too large, or
 * the download breaks off, it says why and how far it got.
 */
export async function spoolDownload(
	this: IExecuteFunctions,
	download: OpenedDownload,
	options: { maxBytes: number; fileName?: string; mimeType?: string },
): Promise<SpooledDownload> {
	const { headers, body, timedOut, timeoutMs } = download;
	const { declared, problem } = checkDownloadHeaders(headers, options.maxBytes);
	const source = body as NodeReadable | undefined;
	if (problem || typeof source?.map !== 'function') {
		discard(body);
		return { ok: false, tooLarge: false, reason: 'the download returned no bytes', ...problem };
	}
	let received = 0;
	let overLimit = false;
	const counted = source.map((chunk) => {
		received += chunk.length;
		// Thrown to stop the stream; reported below from `overLimit`.
		if (received > options.maxBytes) {
			overLimit = true;
			throw new Error('over the Max Media Size');
		}
		return chunk;
	});
	let binary: IBinaryData | undefined;
	let failure = '';
	try {
		binary = await this.helpers.prepareBinaryData(
			counted as unknown as Buffer,
			options.fileName,
			options.mimeType,
		);
	} catch (error) {
		counted.destroy();
		source.destroy();
		failure = (error as Error).message ?? String(error);
	}
	if (!binary) {
		if (overLimit) return { ok: false, tooLarge: true, reason: tooLarge(options.maxBytes) };
		const of = declared !== undefined && received < declared ? ` of ${declared}` : '';
		const reason = timedOut()
			? `no complete answer within ${Math.round(timeoutMs / 1000)} seconds`
			: decodingFailed(failure)
				? `the compressed file could not be decoded (${failure})`
				: `the download broke off after ${received}${of} bytes (${failure})`;
		return { ok: false, tooLarge: false, reason };
	}
	return { ok: true, binary };
}
