import { useEffect, useId, useRef, useState } from 'react';
import { t } from '../i18n';
import { MAX_MEDIA_BYTES } from '../../../shared/constants';
import { IMAGE_SNIFF_BYTES, IMAGE_TYPES, sniffImage } from '../../../shared/images';
import type { MediaContent } from '../../../shared/ipc';

export interface PhotoChange {
  /** A new file to attach at save (replaces any current photo). */
  file: File | null;
  /** Remove the current photo at save. */
  remove: boolean;
}

interface Props {
  current: MediaContent | null;
  change: PhotoChange;
  onChange(change: PhotoChange): void;
  error?: string;
  /** The image types the server takes, when it takes fewer than this app (a Lizmap server: no WebP). */
  accepted?: readonly string[];
  disabled?: boolean;
}

/** Attach, preview, replace or remove the photo; nothing reaches main until the form is saved. */
const ALL_TYPES = IMAGE_TYPES.map((type) => type.mime);

export function PhotoField({ current, change, onChange, error, accepted = ALL_TYPES, disabled = false }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [localError, setLocalError] = useState<string>();
  const [previewUrl, setPreviewUrl] = useState<string>();

  useEffect(() => {
    if (!change.file) {
      setPreviewUrl(undefined);
      return;
    }
    const url = URL.createObjectURL(change.file);
    setPreviewUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [change.file]);

  const shown = change.file ? previewUrl : change.remove ? undefined : current?.dataUrl;
  const hasPhoto = Boolean(shown);
  const message = localError ?? error;

  async function pick(file: File | undefined) {
    if (!file) return;
    // Recognised from its bytes, as main and the server will: the name and declared type prove nothing.
    const head = new Uint8Array(await file.slice(0, IMAGE_SNIFF_BYTES).arrayBuffer());
    const type = sniffImage(head);
    if (!type) {
      setLocalError(t('observation.photoNotImage'));
      return;
    }
    if (!accepted.includes(type.mime)) {
      setLocalError(t('observation.errors.photoType'));
      return;
    }
    if (file.size > MAX_MEDIA_BYTES) {
      setLocalError(t('observation.photoTooBig'));
      return;
    }
    setLocalError(undefined);
    onChange({ file, remove: false });
  }

  return (
    <fieldset className="photo-field" disabled={disabled} aria-describedby={message ? `${id}-error` : undefined}>
      <legend>{t('observation.photo')}</legend>
      <div className="photo-body">
        <div className="photo-frame">
          {shown ? (
            <img src={shown} alt={t('observation.photoAlt')} />
          ) : (
            <span className="muted">{t('observation.noPhoto')}</span>
          )}
        </div>
        <div className="photo-actions">
          <input
            ref={input}
            id={`${id}-file`}
            type="file"
            accept={IMAGE_TYPES.filter((type) => accepted.includes(type.mime))
              .map((type) => type.mime)
              .join(',')}
            className="visually-hidden"
            tabIndex={-1}
            aria-label={hasPhoto ? t('observation.replacePhoto') : t('observation.attachPhoto')}
            onChange={(e) => {
              void pick(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <button type="button" className="btn" onClick={() => input.current?.click()}>
            {hasPhoto ? t('observation.replacePhoto') : t('observation.attachPhoto')}
          </button>
          {hasPhoto && (
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => onChange({ file: null, remove: Boolean(current) })}
            >
              {t('observation.removePhoto')}
            </button>
          )}
          {change.file && <p className="small muted">{t('observation.photoWillAttach', { name: change.file.name })}</p>}
          {!change.file && change.remove && current && (
            <p className="small muted">{t('observation.photoWillRemove')}</p>
          )}
          {!change.file && !change.remove && current?.local && (
            <p className="small muted">{t('observation.photoPending')}</p>
          )}
          {message && (
            <p id={`${id}-error`} className="field-error" role="alert">
              {message}
            </p>
          )}
        </div>
      </div>
    </fieldset>
  );
}

/** File → base64 (what media.attach takes), read in the renderer. */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
