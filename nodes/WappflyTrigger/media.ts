import type { INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import {
	extensionFromMimeType,
	fileNameFromContentDisposition,
	knownMimeType,
	mimeTypeFromFileName,
} from '../shared/media';
import { bytesFromJson, decryptMedia, sha256 } from '../shared/mediaCrypto';
import type { MediaReference } from '../shared/message';
import { downloadMedia, type DownloadedMedia } from '../shared/transport';

const BINARY_PROPERTY = 'data';
const MEDIA_TIMEOUT_MS = 300_000;
/** Where WhatsApp serves a media message's `directPath` when it has no `url`. */
const WHATSAPP_MEDIA_HOST = 'https://mmg.whatsapp.net';

/**
 * The plain file from what was downloaded: WhatsApp's CDN serves it encrypted (decrypted here and
 * checked against the MAC and `fileSha256`); a server that already serves it decrypted is
 * recognised by `fileSha256`.
 */
function plainBytes(downloaded: Buffer, media: MediaReference): Buffer {
	const fileSha256 = bytesFromJson(media.fileSha256);
	if (fileSha256 && sha256(downloaded).equals(fileSha256)) return downloaded;
	if (media.mediaKey !== undefined && media.mediaKey !== null) {
		const mediaKey = bytesFromJson(media.mediaKey);
		if (!mediaKey) throw new Error('the media key of the message is not readable');
		return decryptMedia(downloaded, { mediaKey, kind: media.kind, fileSha256 });
	}
	if (fileSha256) {
		throw new Error(
			'the downloaded file does not match its SHA-256 and the message has no media key',
		);
	}
	return downloaded;
}

function fileNameFor(
	media: MediaReference,
	messageId: string,
	downloaded: DownloadedMedia,
	mimeType: string | undefined,
): string {
	const given = media.fileName ?? fileNameFromContentDisposition(downloaded.contentDisposition);
	if (given) return given;
	const base = messageId.replace(/[^A-Za-z0-9_-]/g, '') || media.kind;
	return `${base}.${extensionFromMimeType(mimeType) ?? 'bin'}`;
}

/**
 * Downloads, decrypts and attaches the file of a media message as the binary field `data`.
 * Never throws: when anything fails, the item gets a `mediaError` field instead, so that a
 * customer's message is never lost because of its attachment.
 */
export async function attachMedia(
	this: IWebhookFunctions,
	item: INodeExecutionData,
	media: MediaReference,
	messageId: string,
	maxBytes: number,
): Promise<void> {
	try {
		if (media.fileLength !== undefined && media.fileLength > maxBytes) {
			throw new Error(
				`the file has ${media.fileLength} bytes, more than the Max Media Size of ${Math.round(maxBytes / (1024 * 1024))} MB`,
			);
		}
		const url =
			media.url ?? (media.directPath ? `${WHATSAPP_MEDIA_HOST}${media.directPath}` : undefined);
		if (!url) throw new Error('the message has no download URL');

		// The encrypted file is at most 10 (MAC) + 16 (padding) bytes longer than the plain one.
		const downloaded = await downloadMedia.call(this, url, {
			maxBytes: maxBytes + 26,
			timeoutMs: MEDIA_TIMEOUT_MS,
		});
		const bytes = plainBytes(downloaded.body, media);
		if (bytes.length > maxBytes) {
			throw new Error(
				`the file is larger than the Max Media Size of ${Math.round(maxBytes / (1024 * 1024))} MB`,
			);
		}
		const fileName = fileNameFor(media, messageId, downloaded, media.mimeType);
		const mimeType =
			media.mimeType ??
			knownMimeType(downloaded.contentType) ??
			mimeTypeFromFileName(fileName) ??
			'application/octet-stream';
		const binary = await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
		item.binary = { ...item.binary, [BINARY_PROPERTY]: binary };
	} catch (error) {
		item.json.mediaError = `Could not attach the ${media.kind}: ${(error as Error).message}`;
	}
}
