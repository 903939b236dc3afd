/** Moiety's icons, registered once as LabIcons (themable through jp-icon3). */
import { LabIcon } from '@jupyterlab/ui-components';

import activitySvgstr from '../style/icons/activity.svg';
import commentSvgstr from '../style/icons/comment.svg';
import moietySvgstr from '../style/icons/moiety.svg';

/** A benzene ring with one substituent: the part of a molecule, a moiety. */
export const moietyIcon = new LabIcon({
  name: 'moiety:moiety',
  svgstr: moietySvgstr
});

/** A pulse: what happens in your projects. */
export const activityIcon = new LabIcon({
  name: 'moiety:activity',
  svgstr: activitySvgstr
});

/** A speech bubble: comment threads. */
export const commentIcon = new LabIcon({
  name: 'moiety:comment',
  svgstr: commentSvgstr
});
