import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Zip, ZipPassThrough } from 'fflate';

/**
 * A zip written as it goes to a stream (the HTTP response), entries stored uncompressed (recordings are compressed
 * media already), with the stream's back-pressure respected: a large recording is never held in memory whole.
 * Each entry's SHA-256 is computed on the way, for the manifest.
 */
export class ZipStream {
  private readonly queue: Uint8Array[] = [];
  private failure: Error | null = null;
  private readonly zip: Zip;

  constructor(private readonly out: Writable) {
    this.zip = new Zip((err, data) => {
      if (err) this.failure = err;
      else this.queue.push(data);
    });
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
  }

  async addBuffer(name: string, data: Uint8Array): Promise<{ sha256: string; bytes: number }> {
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    entry.push(data, true);
    await this.flush();
    return { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
  }

  async addFile(name: string, abs: string): Promise<{ sha256: string; bytes: number }> {
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(abs)) {
      const b = chunk as Buffer;
      hash.update(b);
      bytes += b.length;
      entry.push(b);
      await this.flush();
    }
    entry.push(new Uint8Array(0), true);
    await this.flush();
    return { sha256: hash.digest('hex'), bytes };
  }

  async end(): Promise<void> {
    this.zip.end();
    await this.flush();
    this.out.end();
  }
}
