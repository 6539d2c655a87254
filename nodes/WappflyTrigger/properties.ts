import type { INodeProperties } from 'n8n-workflow';

import {
	CHATS_FILTER,
	IGNORE_GROUPS_FILTER,
	MESSAGE_TYPES_FILTER,
} from '../shared/filterProperties';
import { DEFAULT_MAX_MEDIA_MB } from '../shared/media';
import { MESSAGE_RECEIVED } from '../shared/message';

export { DEFAULT_MAX_MEDIA_MB };
/** The highest Max Media Size: a downloaded file is held in memory while it is decrypted. */
export const MAX_DOWNLOAD_MEDIA_MB = 256;
export const ALL_EVENTS = '*';

export interface TriggerOptions {
	downloadMedia?: boolean;
	maxMediaSize?: number;
	verifySession?: boolean;
	webhookSecret?: string;
}

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			"Wappfly has no API to register webhooks: in the Wappfly dashboard, set the webhook URL of the WhatsApp line to this node's URL (Test URL while you build, Production URL once the workflow is active). One URL serves one line. Anyone who knows the URL can post to it: Verify Session refuses payloads meant for another line, but only a Webhook Secret stops forged requests. Recommended: set one under Options and append ?secret= and the secret to the URL in the dashboard.",
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [MESSAGE_RECEIVED],
		description:
			'The webhook events that start the workflow. Wappfly sends Message Received today; any other event is answered and ignored unless All Events is selected.',
		options: [
			{
				name: 'All Events',
				value: ALL_EVENTS,
				description:
					'Every event Wappfly sends, including ones added in the future. Events other than Message Received come out as received.',
			},
			{
				name: 'Message Received',
				value: MESSAGE_RECEIVED,
				description: 'A WhatsApp message arrived on the line (outgoing messages are not sent)',
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return one flat item per message (ID, chat, sender, type, text, file details, timestamp) instead of the webhook payload as received',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'A message that does not pass every filter set here starts no execution',
		options: [
			{
				displayName: 'Ignore Case',
				name: 'ignoreCase',
				type: 'boolean',
				default: true,
				description: 'Whether Text Contains and Text Matches Regex ignore upper and lower case',
			},
			IGNORE_GROUPS_FILTER,
			MESSAGE_TYPES_FILTER,
			CHATS_FILTER,
			{
				displayName: 'Only These Senders',
				name: 'senders',
				type: 'string',
				default: '',
				placeholder: 'e.g. +15551234567, 447700900123',
				description:
					'Start only for messages written by these people, in one-to-one chats or in groups. Phone numbers in any common form or user JIDs, separated by commas.',
			},
			{
				displayName: 'Text Contains',
				name: 'textContains',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice',
				description:
					'Start only when the text of the message (or the caption of a file) contains this',
			},
			{
				displayName: 'Text Matches Regex',
				name: 'textRegex',
				type: 'string',
				default: '',
				placeholder: 'e.g. ^order\\s+#?\\d+',
				description:
					'Start only when the text of the message (or the caption of a file) matches this regular expression. /pattern/flags is accepted too.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the file of image, video, audio, document and sticker messages, decrypt it and attach it as the binary field "data". If that fails, the message still comes out, with a mediaError field.',
			},
			{
				displayName: 'Max Media Size (MB)',
				name: 'maxMediaSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_DOWNLOAD_MEDIA_MB },
				default: DEFAULT_MAX_MEDIA_MB,
				// A sibling inside the collection: only meaningful when media is downloaded.
				displayOptions: { show: { downloadMedia: [true] } },
				description: `Files larger than this are not downloaded: the message comes out with a mediaError field instead. At most ${MAX_DOWNLOAD_MEDIA_MB}, since a file is held in memory while it is decrypted.`,
			},
			{
				displayName: 'Verify Session',
				name: 'verifySession',
				type: 'boolean',
				default: true,
				description:
					"Whether to refuse (HTTP 403) payloads whose session ID is not the line of this node's credential, e.g. when the URL was pasted into another line's settings. It does not stop forged requests: the Webhook Secret does. The line's session is read from Wappfly at activation, and again at most once a minute when a payload names another session.",
			},
			{
				displayName: 'Webhook Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'Recommended: the secret is what stops forged requests. When set, requests must carry it as the secret query parameter: append ?secret= followed by the secret to the URL you paste into the Wappfly dashboard. Other requests are refused with HTTP 401. Use letters, digits, - and _ only.',
			},
		],
	},
];
