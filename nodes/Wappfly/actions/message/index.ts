import type { ResourceDefinition } from '../resource';
import { deleteMessage } from './delete.operation';
import { edit } from './edit.operation';
import { getRecent } from './getRecent.operation';
import { react } from './react.operation';
import { reply } from './reply.operation';
import { sendAndWait } from './sendAndWait.operation';
import { sendAudio, sendDocument, sendImage, sendVideo } from './sendMedia.operation';
import { sendText } from './sendText.operation';

export const message: ResourceDefinition = {
	value: 'message',
	name: 'Message',
	operation: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		default: 'sendText',
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a sent message for everyone',
				action: 'Delete a message',
			},
			{
				name: 'Edit',
				value: 'edit',
				description: 'Change the text of a sent message',
				action: 'Edit a message',
			},
			{
				name: 'Get Recent',
				value: 'getRecent',
				description: 'Get the latest messages across all chats',
				action: 'Get recent messages',
			},
			{
				name: 'React',
				value: 'react',
				description: 'React to a message with an emoji, or remove the reaction',
				action: 'React to a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: 'Send a text that quotes a message',
				action: 'Reply to a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description:
					'Send a text with links, and wait until the recipient approves, declines or answers a form',
				action: 'Send message and wait for response',
			},
			{
				name: 'Send Audio',
				value: 'sendAudio',
				description: 'Send an audio file or voice note',
				action: 'Send an audio message',
			},
			{
				name: 'Send Document',
				value: 'sendDocument',
				description: 'Send a file such as a PDF',
				action: 'Send a document',
			},
			{
				name: 'Send Image',
				value: 'sendImage',
				description: 'Send an image with an optional caption',
				action: 'Send an image',
			},
			{
				name: 'Send Text',
				value: 'sendText',
				description: 'Send a text message',
				action: 'Send a text message',
			},
			{
				name: 'Send Video',
				value: 'sendVideo',
				description: 'Send a video with an optional caption',
				action: 'Send a video',
			},
		],
	},
	table: {
		sendText,
		sendImage,
		sendVideo,
		sendDocument,
		sendAudio,
		reply,
		react,
		edit,
		delete: deleteMessage,
		getRecent,
	},
	waiting: { sendAndWait },
};
