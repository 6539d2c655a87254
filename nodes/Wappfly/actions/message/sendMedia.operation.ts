import type { INodeProperties } from 'n8n-workflow';

import {
	extensionFromMimeType,
	knownMimeType,
	jsonBodyWithFile,
	mimeTypeFromFileName,
} from '../../../shared/media';
import { MEDIA_TIMEOUT_MS, recipient, sendOptions } from '../common.descriptions';
import { getPacing } from '../pacing';
import { getChatJid, getOptions, getTimeout, invalidParameter } from '../parameters';
import type { WappflyOperation } from '../types';
import {
	getMaxMediaBytes,
	maxMediaSizeOption,
	mediaSourceProperties,
	prepareMediaFile,
	type MediaFile,
} from './mediaInput';

type MediaOption = 'caption' | 'fileName' | 'mimeType';

interface MediaKind {
	label: string;
	path: string;
	/** Top-level MIME type a file must have to be sent this way; any when undefined. */
	family?: 'image' | 'video' | 'audio';
	defaultMimeType: string;
	options: MediaOption[];
	otherwise: string;
}

/** The four media sends differ only by these facts. */
const MEDIA_KINDS: Record<'sendImage' | 'sendVideo' | 'sendDocument' | 'sendAudio', MediaKind> = {
	sendImage: {
		label: 'image',
		path: '/api/messages/image',
		family: 'image',
		defaultMimeType: 'image/jpeg',
		options: ['caption', 'mimeType'],
		otherwise: 'Send it with Send Document, or convert it to JPEG or PNG first.',
	},
	sendVideo: {
		label: 'video',
		path: '/api/messages/video',
		family: 'video',
		defaultMimeType: 'video/mp4',
		options: ['caption', 'mimeType'],
		otherwise: 'Send it with Send Document, or convert it to MP4 first.',
	},
	sendDocument: {
		label: 'document',
		path: '/api/messages/document',
		defaultMimeType: 'application/octet-stream',
		options: ['fileName', 'mimeType', 'caption'],
		otherwise: '',
	},
	sendAudio: {
		label: 'audio file',
		path: '/api/messages/audio',
		family: 'audio',
		defaultMimeType: 'audio/ogg; codecs=opus',
		options: ['mimeType'],
		otherwise: 'Send it with Send Document, or convert it to OGG/Opus to get a voice note.',
	},
};

const OPUS_VOICE_NOTE = 'audio/ogg; codecs=opus';

function optionProperty(option: MediaOption, kind: MediaKind): INodeProperties {
	switch (option) {
		case 'caption':
			return {
				displayName: 'Caption',
				name: 'caption',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description: `Text shown under the ${kind.label}`,
			};
		case 'fileName':
			return {
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice.pdf',
				description:
					'Name WhatsApp shows for the file. By default the name of the binary file or of the URL.',
			};
		case 'mimeType':
			return {
				displayName: 'MIME Type',
				name: 'mimeType',
				type: 'string',
				default: '',
				placeholder: `e.g. ${kind.defaultMimeType}`,
				description:
					kind.family === 'audio'
						? 'By default the type of the file; OGG files are sent as audio/ogg; codecs=opus so that they play as a voice note'
						: 'By default the type of the file, guessed from its name when unknown',
			};
	}
}

function isKnown(mimeType: string | undefined): mimeType is string {
	return knownMimeType(mimeType) !== undefined;
}

function resolveMimeType(kind: MediaKind, file: MediaFile, override: string | undefined): string {
	if (override) return override;
	const detected = isKnown(file.mimeType) ? file.mimeType : mimeTypeFromFileName(file.fileName);
	const mimeType = detected ?? kind.defaultMimeType;
	const essence = mimeType.split(';')[0].trim().toLowerCase();
	if (kind.family === 'audio' && (essence === 'audio/ogg' || essence === 'application/ogg')) {
		return OPUS_VOICE_NOTE;
	}
	return mimeType;
}

interface MediaOptions {
	caption?: string;
	fileName?: string;
	mimeType?: string;
}

function mediaOperation(kind: MediaKind): WappflyOperation {
	return {
		properties: [
			recipient,
			...mediaSourceProperties,
			sendOptions(MEDIA_TIMEOUT_MS, [
				...kind.options.map((option) => optionProperty(option, kind)),
				maxMediaSizeOption,
			]),
		],

		async prepare(itemIndex) {
			const to = getChatJid.call(this, itemIndex, 'to', 'To');
			const allOptions = getOptions.call(this, itemIndex);
			const options = allOptions as MediaOptions;
			const timeoutMs = getTimeout.call(this, itemIndex, MEDIA_TIMEOUT_MS, allOptions);
			const pacing = getPacing.call(this, itemIndex, allOptions);
			const mimeOverride = options.mimeType?.trim() || undefined;
			const maxBytes = getMaxMediaBytes(this, itemIndex, allOptions);
			const { source, readFile } = await prepareMediaFile.call(
				this,
				itemIndex,
				timeoutMs,
				maxBytes,
			);

			const checkFamily = (file: MediaFile) => {
				const type = mimeOverride ?? file.mimeType;
				if (kind.family && !mimeOverride && isKnown(type) && !type.startsWith(`${kind.family}/`)) {
					throw invalidParameter(
						this,
						itemIndex,
						`The file is ${type}, not ${kind.family === 'image' ? 'an' : 'a'} ${kind.family}`,
						`${kind.otherwise} To send it anyway, set the MIME Type option.`,
					);
				}
			};
			// Files whose type is known now are checked before anything is sent; URLs on download.
			if (source !== 'url') checkFamily(await readFile());

			return {
				buildRequest: async () => {
					const file = await readFile();
					checkFamily(file);
					const mimetype = resolveMimeType(kind, file, mimeOverride);
					const caption = kind.options.includes('caption')
						? options.caption || undefined
						: undefined;
					const filename = kind.options.includes('fileName')
						? options.fileName?.trim() ||
							file.fileName ||
							`document.${extensionFromMimeType(mimetype) ?? 'bin'}`
						: undefined;
					const body = await jsonBodyWithFile({ to, filename, mimetype, caption }, file.bytes);
					return { method: 'POST', path: kind.path, body, timeoutMs };
				},
				pacing,
			};
		},
	};
}

export const sendImage = mediaOperation(MEDIA_KINDS.sendImage);
export const sendVideo = mediaOperation(MEDIA_KINDS.sendVideo);
export const sendDocument = mediaOperation(MEDIA_KINDS.sendDocument);
export const sendAudio = mediaOperation(MEDIA_KINDS.sendAudio);
