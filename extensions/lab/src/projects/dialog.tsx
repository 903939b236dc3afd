/**
 * The "New project" dialog: a JupyterLab Dialog whose body is a small form.
 * A refusal of the service is shown in the dialog, which opens again with
 * what was typed.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IProject } from '../api/types';
import {
  INewProject,
  ProjectsModel,
  slugFromTitle,
  slugProblem
} from './model';
import { messageOf } from '../api/errors';

class ProjectForm extends ReactWidget {
  constructor(
    private readonly _teams: string[],
    private readonly _allowOtherTeams: boolean,
    private _value: INewProject,
    private readonly _error: string
  ) {
    super();
    this.addClass('jp-MoietyProjectForm');
  }

  getValue(): INewProject {
    return this._value;
  }

  protected render(): JSX.Element {
    return (
      <FormBody
        teams={this._teams}
        allowOtherTeams={this._allowOtherTeams}
        initial={this._value}
        error={this._error}
        onChange={value => (this._value = value)}
      />
    );
  }
}

function FormBody({
  teams,
  allowOtherTeams,
  initial,
  error,
  onChange
}: {
  teams: string[];
  allowOtherTeams: boolean;
  initial: INewProject;
  error: string;
  onChange: (value: INewProject) => void;
}): JSX.Element {
  const [title, setTitle] = React.useState(initial.title);
  const [slug, setSlug] = React.useState(initial.slug);
  const [slugTouched, setSlugTouched] = React.useState(!!initial.slug);
  const [description, setDescription] = React.useState(
    initial.description ?? ''
  );
  const [chosen, setChosen] = React.useState<string[]>(
    initial.teams.filter(t => teams.includes(t))
  );
  const [others, setOthers] = React.useState(
    initial.teams.filter(t => !teams.includes(t)).join(', ')
  );
  const shownSlug = slugTouched ? slug : slugFromTitle(title);
  React.useEffect(() => {
    const extra = others
      .split(',')
      .map(t => t.trim())
      .filter(Boolean);
    onChange({
      title: title.trim(),
      slug: shownSlug,
      description: description.trim(),
      teams: [...new Set([...chosen, ...extra])]
    });
  }, [title, shownSlug, description, chosen, others]);
  const problem = shownSlug ? slugProblem(shownSlug) : null;
  return (
    <div className="jp-MoietyForm">
      {error && (
        <p
          className="jp-MoietyError"
          role="alert"
          data-testid="moiety-new-project-error"
        >
          {error}
        </p>
      )}
      <label className="jp-MoietyField">
        <span>Title</span>
        <input
          className="jp-mod-styled"
          value={title}
          required
          maxLength={200}
          data-testid="moiety-new-project-title"
          onChange={event => setTitle(event.target.value)}
        />
      </label>
      <label className="jp-MoietyField">
        <span>Short name (slug)</span>
        <input
          className="jp-mod-styled"
          value={shownSlug}
          required
          maxLength={40}
          aria-invalid={!!problem}
          aria-describedby="moiety-slug-help"
          data-testid="moiety-new-project-slug"
          onChange={event => {
            setSlugTouched(true);
            setSlug(event.target.value);
          }}
        />
      </label>
      <p id="moiety-slug-help" className="jp-MoietyHelp">
        {problem ??
          'Names the project folder, its server and its URL; it cannot change later.'}
      </p>
      <label className="jp-MoietyField">
        <span>Description</span>
        <textarea
          className="jp-MoietyTextarea"
          value={description}
          rows={2}
          maxLength={2000}
          onChange={event => setDescription(event.target.value)}
        />
      </label>
      <fieldset className="jp-MoietyFieldset">
        <legend>Teams that work on it</legend>
        {teams.map(team => (
          <label key={team} className="jp-MoietyCheck">
            <input
              type="checkbox"
              checked={chosen.includes(team)}
              onChange={event =>
                setChosen(
                  event.target.checked
                    ? [...chosen, team]
                    : chosen.filter(t => t !== team)
                )
              }
            />
            {team}
          </label>
        ))}
        {allowOtherTeams && (
          <label className="jp-MoietyField">
            <span>Other teams (comma-separated)</span>
            <input
              className="jp-mod-styled"
              value={others}
              onChange={event => setOthers(event.target.value)}
            />
          </label>
        )}
      </fieldset>
    </div>
  );
}

/**
 * Ask for a new project and create it; resolves with the project, or null
 * when cancelled.
 */
export async function createProjectDialog(
  model: ProjectsModel,
  teams: string[],
  allowOtherTeams: boolean
): Promise<IProject | null> {
  let value: INewProject = {
    title: '',
    slug: '',
    teams: teams.length === 1 ? [...teams] : [],
    description: ''
  };
  let error = '';
  for (;;) {
    const form = new ProjectForm(teams, allowOtherTeams, value, error);
    const result = await showDialog({
      title: 'New project',
      body: form,
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: 'Create project' })
      ],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    value = result.value;
    const problem =
      (!value.title && 'Give the project a title.') ||
      slugProblem(value.slug) ||
      (!value.teams.length && 'Choose at least one team.') ||
      null;
    if (problem) {
      error = problem;
      continue;
    }
    try {
      return await model.create(value);
    } catch (reason) {
      error = messageOf(reason);
    }
  }
}
