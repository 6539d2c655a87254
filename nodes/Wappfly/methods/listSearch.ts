import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { isGroupJid, phoneNumberOf } from '../../shared/jid';
import { wappflyApiRequest } from '../../shared/transport';

interface Chat {
	jid: string;
	name?: string | null;
	is_group?: number | boolean;
}

export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const chats = (await wappflyApiRequest.call(this, {
		method: 'GET',
		path: '/api/chats',
	})) as Chat[];
	const needle = filter?.trim().toLowerCase().replace(/^\+/, '');
	const results = chats
		.map((chat) => {
			const number = phoneNumberOf(chat.jid);
			const label =
				isGroupJid(chat.jid) || chat.is_group ? 'group' : number ? `+${number}` : chat.jid;
			return { name: chat.name ? `${chat.name} (${label})` : label, value: chat.jid };
		})
		.filter(({ name, value }) => !needle || `${name} ${value}`.toLowerCase().includes(needle));
	return { results };
}
