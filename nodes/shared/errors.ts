import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

const STATUS_HINTS: Record<number, string> = {
	400: 'Wappfly could not accept the request body. The message above names the field; check the value the node sends for it.',
	401: 'Wappfly refused the API token. Open the Wappfly credential and paste the token shown by "Show token" next to the line in the Wappfly dashboard. If the token was rotated, paste the new one.',
	402: 'The quota of this Wappfly account is used up: every send and every incoming message counts as one request (reads, reactions, edits and deletes are free). Run Session > Get Me to see the requests used and when the quota resets, or upgrade the plan.',
	403: 'Either the email of the Wappfly account is not verified (confirm it from the dashboard) or this WhatsApp line is disconnected or banned. Run Session > Get Status to see the state of the line, and pair the number again in the Wappfly dashboard if needed.',
	404: 'The message or chat was not found. Check the message ID (it must be a message of this line, e.g. from Get Recent, Get History or the Wappfly Trigger) and the recipient number or JID.',
	413: 'The request is too large for Wappfly. Send a smaller file or compress it first.',
	429: 'Wappfly is receiving too many requests from this line. Space the sends out with Options > Pacing of the Wappfly node, then try again.',
};

const SERVER_HINT =
	'Wappfly or a proxy in front of it failed. Try again later, or enable Retry On Fail in the node settings for sends that must go out.';

export function statusHint(status: number): string {
	return STATUS_HINTS[status] ?? (status >= 500 ? SERVER_HINT : `Wappfly answered HTTP ${status}.`);
}

/** Keeps a secret out of any text that may reach the user or a log. */
export function redact(text: string, secret: string | undefined): string {
	return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

function build(
	node: INode,
	message: string,
	description: string,
	httpCode: string | undefined,
	itemIndex: number | undefined,
): NodeApiError {
	// A plain object as the error response: the HTTP client's error would carry the request
	// headers, and with them the API token, into the execution data.
	return new NodeApiError(node, { message, httpCode: httpCode ?? null } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex,
	});
}

export function apiError(
	node: INode,
	status: number,
	body: unknown,
	secret: string | undefined,
	itemIndex?: number,
): NodeApiError {
	const text =
		body && typeof body === 'object' && typeof (body as JsonObject).error === 'string'
			? ((body as JsonObject).error as string)
			: undefined;
	if (text === undefined) {
		return nonJsonError(node, status, body, secret, itemIndex);
	}
	return build(node, redact(text, secret), statusHint(status), String(status), itemIndex);
}

export function nonJsonError(
	node: INode,
	status: number,
	body: unknown,
	secret: string | undefined,
	itemIndex?: number,
): NodeApiError {
	const raw = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	const excerpt = raw
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 200);
	const message = `Wappfly answered HTTP ${status} with a body that is not the API's JSON`;
	const description =
		`${status >= 400 ? statusHint(status) + ' ' : ''}This usually comes from a proxy or gateway between n8n and Wappfly, or from a Base URL that does not point at the Wappfly API.` +
		(excerpt ? ` The answer began with: "${excerpt}"` : '');
	return build(node, message, redact(description, secret), String(status), itemIndex);
}

/**
 * Where a redirect points, for a message: scheme, host and path only (a query or user info may
 * hold secrets), resolved against the URL that was redirected.
 */
function redirectTarget(location: unknown, from: string | undefined): URL | undefined {
	if (typeof location !== 'string' || location === '') return undefined;
	try {
		return new URL(location, from);
	} catch {
		return undefined;
	}
}

export function redirectError(
	node: INode,
	status: number,
	location: unknown,
	itemIndex?: number,
	/** The URL that was redirected, to resolve a relative Location. */
	from?: string,
	secret?: string,
): NodeApiError {
	const target = redirectTarget(location, from);
	const shown = target ? `${target.origin}${target.pathname}` : 'another address';
	const sameOrigin =
		target !== undefined && from !== undefined && target.origin === new URL(from).origin;
	const why = sameOrigin
		? 'n8n does not follow redirects of Wappfly API calls.'
		: `n8n does not follow it, so that the API token is not sent to ${target ? target.host : 'another host'}.`;
	return build(
		node,
		redact(`Wappfly redirected the request (HTTP ${status}) to ${shown}`, secret),
		redact(
			`${why} Set the Base URL of the Wappfly credential to the address the API really answers on (for example https:// instead of http://, or without a path).`,
			secret,
		),
		String(status),
		itemIndex,
	);
}

interface TransportFailure {
	code?: string;
	message?: string;
	/** What n8n's NodeApiError keeps of the HTTP client's original messages. */
	messages?: string[];
	cause?: TransportFailure;
}

/** Turns a failure of the HTTP client (no HTTP answer at all) into an error a user can act on. */
export function networkError(
	node: INode,
	error: unknown,
	baseUrl: string,
	timeoutMs: number,
	secret: string | undefined,
	itemIndex?: number,
): NodeApiError {
	const failure = (error ?? {}) as TransportFailure;
	// n8n wraps the client's error and keeps only its texts, so the cause is read from them.
	const texts = [
		failure.code,
		failure.cause?.code,
		...(failure.messages ?? []),
		failure.cause?.message,
		failure.message,
	].filter((text): text is string => !!text);
	const all = texts.join(' | ');
	const detail =
		failure.messages?.[0] ?? failure.cause?.message ?? failure.message ?? String(error);
	const code = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.exec(all)?.[1];
	let message: string;
	let description: string;
	if (
		/timeout of \d+ms exceeded|\bETIMEDOUT\b|\bECONNABORTED\b|connection was aborted/i.test(all)
	) {
		const seconds = Math.max(1, Math.round(timeoutMs / 1000));
		message = `Wappfly did not answer within ${seconds} second${seconds === 1 ? '' : 's'}`;
		description =
			'The request may still have been processed: check Message > Get Recent before sending again, or raise the Timeout option.';
	} else if (code) {
		message = `Could not connect to Wappfly at ${baseUrl}`;
		description = `The connection failed (${code}). Check the Base URL of the Wappfly credential and the network of the n8n host.`;
	} else if (/\bECONNRESET\b|socket hang up|closed unexpectedly/i.test(all)) {
		message = 'The connection to Wappfly was closed before it answered';
		description =
			'A proxy or the network dropped the connection. The request may still have been processed: check Message > Get Recent before sending again.';
	} else {
		message = `The request to Wappfly failed: ${detail}`;
		description = 'No answer came from Wappfly. Check the Base URL of the Wappfly credential.';
	}
	return build(node, redact(message, secret), redact(description, secret), undefined, itemIndex);
}
