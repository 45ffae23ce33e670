import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { renderToKeep } from '../../src/http/cached-html.js';
import { ejsViewEngine } from '../../src/http/ejs-engine.js';
import { resetToDemo } from '../support/database.js';
import { buildApp, postForm, signIn, visibleText } from '../support/http.js';
import { DEMO_LOGINS } from '../support/accounts.js';

describe('page parts kept between two writes (src/http/cached-html.ts)', () => {
  it('refuses to keep a part that holds the CSRF token or a once-per-form token', async () => {
    const views = mkdtempSync(path.join(tmpdir(), 'kept-views-'));
    writeFileSync(path.join(views, 'csrf.ejs'), '<input name="_csrf" value="<%= csrfToken %>">');
    writeFileSync(path.join(views, 'once.ejs'), '<input name="submissionToken" value="<%= newSubmissionToken() %>">');
    writeFileSync(path.join(views, 'plain.ejs'), '<p><%= word %></p>');
    const app = express();
    app.set('views', views);
    app.set('view engine', 'ejs');
    app.engine('ejs', ejsViewEngine());
    app.get('/:view', async (req, res) => {
      res.locals.csrfToken = 'the-token-of-this-session';
      res.locals.newSubmissionToken = () => 'a-fresh-token';
      try {
        res.send(await renderToKeep(res, req.params.view, { word: 'bonjour' }));
      } catch (err) {
        res.status(500).send((err as Error).message);
      }
    });
    expect((await request(app).get('/plain')).text).to.equal('<p>bonjour</p>');
    for (const view of ['csrf', 'once']) {
      const res = await request(app).get(`/${view}`);
      expect(res.status, view).to.equal(500);
      expect(res.text, view).not.to.include('token-of-this-session').and.not.to.include('a-fresh-token');
    }
  });

  it('keeps the group page and the journey per language: the same person switching to English reads English', async () => {
    const ids = await resetToDemo();
    const app = buildApp();
    const karim = await signIn(app, DEMO_LOGINS.karim);
    const ines = await signIn(app, DEMO_LOGINS.ines);
    const sadiola = `/groups/${ids.groups.sadiola}`;
    for (let i = 0; i < 2; i++) {
      expect(visibleText((await karim.get(sadiola)).text)).to.include('Jeunes (');
      expect(visibleText((await ines.get('/me')).text)).to.include('Mes séances');
    }
    await postForm(karim, '/lang', { lang: 'en', returnTo: sadiola }, sadiola);
    await postForm(ines, '/lang', { lang: 'en', returnTo: '/me' }, '/me');
    const page = visibleText((await karim.get(sadiola)).text);
    expect(page).to.include('Young people (').and.not.to.include('Jeunes (');
    const journey = visibleText((await ines.get('/me')).text);
    expect(journey).to.include('My sessions').and.not.to.include('Mes séances');
  });

  it("keeps each person's own page: the director, who may not edit the group, never gets the lead worker's", async () => {
    const ids = await resetToDemo();
    const app = buildApp();
    const karim = await signIn(app, DEMO_LOGINS.karim);
    const director = await signIn(app, DEMO_LOGINS.director);
    const sadiola = `/groups/${ids.groups.sadiola}`;
    const edit = `href="${sadiola}/edit"`;
    // Each loads it twice, in turns, so that each of the later answers could have come from the other's.
    for (let i = 0; i < 2; i++) {
      const directors = await director.get(sadiola);
      expect(directors.status).to.equal(200);
      expect(directors.text).to.include('<h1>').and.not.to.include(edit);
      expect((await karim.get(sadiola)).text).to.include(edit);
    }
  });
});
