/** Moiety's icons, registered once as LabIcons (themable through jp-icon3). */
import { LabIcon } from '@jupyterlab/ui-components';

import moietySvgstr from '../style/icons/moiety.svg';

/** A benzene ring with one substituent: the part of a molecule, a moiety. */
export const moietyIcon = new LabIcon({
  name: 'moiety:moiety',
  svgstr: moietySvgstr
});
