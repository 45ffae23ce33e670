import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * What ffprobe and ffmpeg (Debian's ffmpeg package) can tell about a stored video or sound, and the small
 * JPEG shown in lists. They are optional: when they are not installed, or fail on a file, the upload goes
 * through without a duration or a thumbnail. Nothing here ever throws.
 */
export interface MediaFacts {
  durationSeconds: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
}

export interface MediaProbe {
  /** True when both programs answered `-version` (asked once, on first use). */
  available(): Promise<boolean>;
  /** Duration and streams of a file; null when the tools are missing or cannot read it. */
  facts(file: string): Promise<MediaFacts | null>;
  /** Writes a JPEG of at most 480 px wide from a video (its first second) or a photo; false when it cannot. */
  thumbnail(file: string, kind: 'video' | 'photo', out: string): Promise<boolean>;
}

export interface ProbeOptions {
  ffprobe?: string;
  ffmpeg?: string;
  /** Past this, a run is killed: a broken file must not hold an upload for long. */
  timeoutMs?: number;
}

function run(program: string, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile(program, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout) => {
        resolve(err ? null : String(stdout));
      });
    } catch {
      resolve(null);
    }
  });
}

export function mediaProbe(opts: ProbeOptions = {}): MediaProbe {
  const ffprobe = opts.ffprobe ?? 'ffprobe';
  const ffmpeg = opts.ffmpeg ?? 'ffmpeg';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let detected: Promise<boolean> | undefined;

  const available = (): Promise<boolean> =>
    (detected ??= Promise.all([run(ffprobe, ['-version'], 5000), run(ffmpeg, ['-version'], 5000)]).then(([a, b]) => a !== null && b !== null));

  return {
    available,

    async facts(file) {
      if (!(await available())) return null;
      const out = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_entries', 'format=duration:stream=codec_type', file], timeoutMs);
      if (out === null) return null;
      try {
        const parsed = JSON.parse(out) as { format?: { duration?: string }; streams?: { codec_type?: string }[] };
        const duration = Number(parsed.format?.duration);
        const streams = parsed.streams ?? [];
        return {
          durationSeconds: Number.isFinite(duration) && duration > 0 ? Math.round(duration * 10) / 10 : null,
          // An attached cover picture in a sound file is a "video" stream of one frame: not a video.
          hasVideo: streams.some((s) => s.codec_type === 'video'),
          hasAudio: streams.some((s) => s.codec_type === 'audio'),
        };
      } catch {
        return null;
      }
    },

    async thumbnail(file, kind, out) {
      if (!(await available())) return false;
      await mkdir(path.dirname(out), { recursive: true });
      const seek = kind === 'video' ? ['-ss', '1'] : [];
      const args = (input: string[]) => [
        '-v', 'error', '-y', ...input, '-i', file, '-frames:v', '1', '-vf', "scale='min(480,iw)':-2", '-q:v', '5', '-f', 'image2', out,
      ];
      // A video shorter than a second has no frame at 1 s: then its first frame.
      let ok = (await run(ffmpeg, args(seek), timeoutMs)) !== null && (await nonEmpty(out));
      if (!ok && seek.length) ok = (await run(ffmpeg, args([]), timeoutMs)) !== null && (await nonEmpty(out));
      if (!ok) await rm(out, { force: true });
      return ok;
    },
  };
}

async function nonEmpty(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => undefined);
  return Boolean(s && s.size > 0);
}

/** Where a thumbnail is written before it is kept: the upload folder's temporary area, with a fresh name. */
export function thumbnailTempPath(uploadDir: string): string {
  return path.join(uploadDir, 'tmp', `${randomUUID()}.thumb.jpg`);
}
