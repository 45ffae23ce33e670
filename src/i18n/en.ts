import type { Messages } from './fr.js';

export const en: Messages = {
  layout: {
    skip: 'Skip to content',
    mainNav: 'Main navigation',
    breadcrumb: 'Breadcrumb',
    footer: 'Tremplin — international mobility for young people',
  },
  nav: { home: 'Home', groups: 'Groups', accounts: 'Accounts', signOut: 'Sign out' },
  common: { back: 'Back', cancel: 'Cancel', save: 'Save' },
  roles: {
    admin: 'Admin', director: 'Director', worker: 'Youth worker', youth: 'Youth',
    admin_plural: 'Admins', director_plural: 'Directors', worker_plural: 'Youth workers', youth_plural: 'Youths',
    coordinator: 'Network coordinator', platform_admin: 'Platform admin',
    coordinator_plural: 'Network coordinators', platform_admin_plural: 'Platform admins',
  },
  validation: {
    required: 'Required.',
    tooLong: 'Too long.',
    dateFormat: 'A date is expected (dd/mm/yyyy).',
    dateImpossible: 'This date does not exist.',
    number: 'A number is expected.',
    invalid: 'Not a valid value.',
    email: 'Not a valid e-mail address.',
    emailTaken: 'This e-mail is already used by another account.',
    passwordTooShort: 'At least 8 characters.',
    passwordsDiffer: 'The two passwords are not the same.',
    usernameTooShort: 'At least 3 characters.',
    usernameChars: 'Only letters without accents, digits, dot and dash.',
    usernameTaken: 'This username is taken. Choose another one.',
    fixBelow: 'Something is not right: see the messages below.',
  },
  errors: {
    home: 'Back to the home page',
    '400': { title: 'Bad request', body: 'The request could not be understood.' },
    '401': { title: 'Sign-in needed', body: 'Sign in to continue.' },
    '403': { title: 'Not allowed', body: 'You are not allowed to do this. If the page was open for a long time, reload it and try again.' },
    '404': { title: 'Page not found', body: 'This page does not exist or you do not have access to it.' },
    '408': { title: 'Too slow', body: 'The request took too long to arrive and nothing was saved. Try again, on a better connection if you can.' },
    '500': { title: 'Error', body: 'Something went wrong on our side. Nothing already saved is lost; try again in a moment.' },
    '503': { title: 'Service temporarily unavailable', body: 'The database is not answering right now. Try again in a few moments: nothing is lost.' },
  },
};
