import type { INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import {
	extensionFromMimeType,
	fileNameFromContentDisposition,
	knownMimeType,
	mimeTypeFromFileName,
} from '../shared/media';
import { bytesFromJson, decryptMedia, sha256 } from '../shared/mediaCrypto';
import { mediaDownloadUrl, mediaUrlRefusal } from '../shared/mediaUrl';
import type { MediaReference } from '../shared/message';
import { downloadMedia, megabytes, type DownloadedMedia } from '../shared/transport';
import { MAX_DOWNLOAD_MEDIA_MB } from './properties';

const BINARY_PROPERTY = 'data';
const MEDIA_TIMEOUT_MS = 300_000;

/** The message's 32-byte media key; undefined when the file is not encrypted. */
function mediaKeyOf(media: MediaReference): Buffer | undefined {
	if (media.mediaKey === undefined || media.mediaKey === null) return undefined;
	const mediaKey = bytesFromJson(media.mediaKey);
	if (!mediaKey) throw new Error('the media key of the message is not readable');
	if (mediaKey.length !== 32) {
		throw new Error(`the media key has ${mediaKey.length} bytes instead of 32`);
	}
	return mediaKey;
}

/**
 * The plain file from what was downloaded: WhatsApp's media servers serve it encrypted (checked
 * against `fileEncSha256` when the message has it, then decrypted and checked against the MAC and
 * `fileSha256`); a server that already serves it decrypted is recognised by `fileSha256`.
 */
function plainBytes(downloaded: Buffer, media: MediaReference, mediaKey?: Buffer): Buffer {
	const fileSha256 = bytesFromJson(media.fileSha256);
	if (fileSha256 && sha256(downloaded).equals(fileSha256)) return downloaded;
	if (mediaKey) {
		const fileEncSha256 = bytesFromJson(media.fileEncSha256);
		if (fileEncSha256 && !sha256(downloaded).equals(fileEncSha256)) {
			throw new Error('the downloaded file does not match its encrypted SHA-256 (fileEncSha256)');
		}
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
 * customer's message is never lost because of its attachment. What a payload asks for is checked
 * before any request (see mediaUrl.ts): a forged one makes n8n fetch nothing.
 */
export async function attachMedia(
	this: IWebhookFunctions,
	item: INodeExecutionData,
	media: MediaReference,
	messageId: string,
	maxBytes: number,
): Promise<void> {
	try {
		// The file is held in memory to be decrypted: the option cannot raise that above a bound.
		const limit = Math.min(maxBytes, MAX_DOWNLOAD_MEDIA_MB * 1024 * 1024);
		if (media.fileLength !== undefined && media.fileLength > limit) {
			throw new Error(
				`the file has ${media.fileLength} bytes, more than the Max Media Size of ${megabytes(limit)}`,
			);
		}
		const mediaKey = mediaKeyOf(media);
		const source = mediaDownloadUrl(media);
		if (!source.ok) throw new Error(source.reason);

		// The encrypted file is at most 10 (MAC) + 16 (padding) bytes longer than the plain one.
		const downloaded = await downloadMedia.call(this, source.url, {
			maxBytes: mediaKey ? limit + 26 : limit,
			timeoutMs: MEDIA_TIMEOUT_MS,
			allow: (url, wappflyOrigin) =>
				mediaUrlRefusal(url, { encrypted: mediaKey !== undefined, wappflyOrigin }),
		});
		const bytes = plainBytes(downloaded.body, media, mediaKey);
		if (bytes.length > limit) {
			throw new Error(`the file is larger than the Max Media Size of ${megabytes(limit)}`);
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
