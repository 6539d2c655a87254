import { chatOfMessage, messageIdField, timeoutOnlyOptions } from '../common.descriptions';
import { getChatJid, getEmoji, getMessageId, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const react: WappflyOperation = {
	properties: [
		chatOfMessage,
		messageIdField('ID of the message to react to'),
		{
			displayName: 'Emoji',
			name: 'emoji',
			type: 'string',
			default: '👍',
			placeholder: 'e.g. 👍',
			description: 'One emoji. Leave empty to remove your reaction from the message.',
		},
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'Chat');
		const targetMessageId = getMessageId.call(this, itemIndex);
		const emoji = getEmoji.call(this, itemIndex);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return postCall(
			'/api/messages/reaction',
			{ to, emoji, target_msg_id: targetMessageId },
			timeoutMs,
		);
	},
};
