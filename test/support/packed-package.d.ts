export interface PackedPackage {
	/** Absolute path of the .tgz that `npm pack` wrote. */
	tarball: string;
	/** Paths inside the tarball, without the leading `package/`, sorted. */
	files: string[];
	/** The tarball extracted (what `npm install <tarball>` puts in node_modules/<name>). */
	packageDir: string;
	/** The private copy of the project that was built and packed (sources included). */
	sourceDir: string;
	/** Wall time of copy + build + pack + extract. */
	ms: number;
	/** Removes the copy, the tarball (unless outDir was given) and the extracted package. */
	cleanup(): void;
}

/**
 * `npm run build` + `npm pack` in a private copy of the project (its own `dist/` and TypeScript
 * build-info), so that the working tree is never touched.
 */
export function packIsolated(
	projectDir: string,
	opts?: { outDir?: string },
): Promise<PackedPackage>;

export function listTarball(tarball: string): string[];

export function extractTarball(tarball: string, dir: string): string;
