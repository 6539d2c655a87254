/**
 * Where the file of an inbound media message may be fetched from. A webhook payload is not
 * trusted: without these rules a forged one could make n8n fetch any address, internal ones
 * included. Pure: strings and URLs in, a URL or a reason out.
 *
 * - Encrypted media (the message has a `mediaKey`) comes only over https from WhatsApp's media
 *   servers (`*.whatsapp.net`, default port, no user info), or from the credential's Wappfly
 *   origin.
 * - Media without a `mediaKey` comes only from the credential's Wappfly origin.
 * - A `directPath` is only ever a plain absolute path on WhatsApp's media host.
 * - Every redirect hop must pass the same rules as the first URL.
 */

/** Where WhatsApp serves a media message's `directPath` when the message has no `url`. */
export const WHATSAPP_MEDIA_HOST = 'https://mmg.whatsapp.net';

const WHATSAPP_MEDIA_DOMAIN = '.whatsapp.net';

export type MediaUrlResult = { ok: true; url: string } | { ok: false; reason: string };

/**
 * A plain absolute path: one leading `/`, then no `//`, `@`, `\`, whitespace or control
 * characters. Glued onto a host, it cannot change the host (`@evil.host/x` would, and `//x`,
 * `\\x` or a scheme make another URL).
 */
export function isPlainAbsolutePath(path: string): boolean {
	return (
		path.startsWith('/') &&
		!path.includes('//') &&
		!/[@\\\s]/.test(path) &&
		![...path].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) &&
		// A scheme cannot follow the leading slash either (`/https:...` is kept out for clarity).
		!/^\/[a-z][a-z0-9+.-]*:/i.test(path)
	);
}

/** The URL of a media message's file: its `url`, else WhatsApp's media host + `directPath`. */
export function mediaDownloadUrl(media: { url?: string; directPath?: string }): MediaUrlResult {
	if (media.url !== undefined) {
		try {
			return { ok: true, url: new URL(media.url).href };
		} catch {
			return { ok: false, reason: 'the url of the message is not a valid URL' };
		}
	}
	if (media.directPath !== undefined) {
		if (!isPlainAbsolutePath(media.directPath)) {
			return {
				ok: false,
				reason:
					'the directPath of the message is not a plain absolute path (one leading /, no //, @ or \\)',
			};
		}
		const url = new URL(`${WHATSAPP_MEDIA_HOST}${media.directPath}`);
		// Cannot happen after the check above; kept so that the host is proven, not assumed.
		if (url.origin !== WHATSAPP_MEDIA_HOST) {
			return { ok: false, reason: 'the directPath of the message changes the host' };
		}
		return { ok: true, url: url.href };
	}
	return { ok: false, reason: 'the message has no download URL' };
}

export function isWhatsAppMediaUrl(url: URL): boolean {
	return (
		url.protocol === 'https:' &&
		url.hostname.endsWith(WHATSAPP_MEDIA_DOMAIN) &&
		url.port === '' &&
		url.username === '' &&
		url.password === ''
	);
}

/** Scheme, host and port, for a message (a URL without an origin shows its scheme). */
function where(url: URL): string {
	return url.origin === 'null' ? url.protocol : url.origin;
}

/**
 * Why the trigger must not fetch `url` (a message's URL or a redirect hop), or undefined when it
 * may. `wappflyOrigin` is the origin of the credential's Base URL.
 */
export function mediaUrlRefusal(
	url: URL,
	options: { encrypted: boolean; wappflyOrigin: string },
): string | undefined {
	const fromWappfly = url.origin === options.wappflyOrigin && !url.username && !url.password;
	if (fromWappfly) return undefined;
	if (options.encrypted) {
		if (isWhatsAppMediaUrl(url)) return undefined;
		return `${where(url)} is neither one of WhatsApp's media servers (https://*${WHATSAPP_MEDIA_DOMAIN}) nor the Wappfly Base URL of the credential`;
	}
	return `the file has no media key and ${where(url)} is not the Wappfly Base URL of the credential`;
}
