// French is the language of the people who use Tremplin every day; English mirrors it key for key.
export const fr = {
  layout: {
    skip: 'Aller au contenu',
    mainNav: 'Navigation principale',
    breadcrumb: "Fil d'Ariane",
    footer: 'Tremplin — mobilité internationale des jeunes',
  },
  // The banner the phone writes (public/offline.js): what waits on it to be sent when the network is back.
  offline: {
    waiting: 'En attente d’envoi ({{n}})',
    noNetwork: 'Pas de réseau : ce qui est enregistré partira au retour du réseau.',
    signIn: 'Reconnectez-vous pour envoyer ce qui attend sur ce téléphone ({{n}}).',
    problem: 'Un appel envoyé plus tard n’a pas été enregistré tel quel.',
    see: 'Voir',
    signOutLoses: 'Des appels n’ont pas encore été envoyés ({{n}}). En vous déconnectant, ils seront effacés de ce téléphone. Se déconnecter quand même ?',
  },
  nav: { home: 'Accueil', groups: 'Groupes', accounts: 'Comptes', signOut: 'Sortir' },
  common: { back: 'Retour', cancel: 'Annuler', save: 'Enregistrer' },
  roles: {
    admin: 'Admin', director: 'Directeur·rice', worker: 'Animateur·rice', youth: 'Jeune',
    admin_plural: 'Admins', director_plural: 'Directions', worker_plural: 'Animateur·rices', youth_plural: 'Jeunes',
    coordinator: 'Coordination de réseau', platform_admin: 'Admin de la plateforme',
    coordinator_plural: 'Coordinations de réseau', platform_admin_plural: 'Admins de la plateforme',
  },
  validation: {
    required: 'À remplir.',
    tooLong: 'Trop long.',
    dateFormat: 'Date attendue au format jj/mm/aaaa.',
    dateImpossible: 'Cette date n’existe pas.',
    number: 'Nombre attendu.',
    invalid: 'Valeur non valide.',
    email: 'Adresse e-mail non valide.',
    emailTaken: 'Cet e-mail est déjà utilisé par un autre compte.',
    passwordTooShort: 'Au moins 8 caractères.',
    passwordsDiffer: 'Les deux mots de passe ne sont pas pareils.',
    usernameTooShort: 'Au moins 3 caractères.',
    usernameChars: 'Seulement des lettres sans accent, des chiffres, le point et le tiret.',
    usernameTaken: 'Cet identifiant est déjà pris. Choisis-en un autre.',
    fixBelow: 'Quelque chose ne va pas : regardez les messages ci-dessous.',
  },
  errors: {
    home: 'Retour à l’accueil',
    '400': { title: 'Demande incorrecte', body: 'La demande n’a pas pu être comprise.' },
    '401': { title: 'Connexion nécessaire', body: 'Connectez-vous pour continuer.' },
    '403': { title: 'Accès refusé', body: 'Vous n’avez pas le droit de faire cette action. Si la page était ouverte depuis longtemps, rechargez-la et réessayez.' },
    '404': { title: 'Page introuvable', body: 'Cette page n’existe pas ou vous n’y avez pas accès.' },
    '408': { title: 'Trop lent', body: 'La demande a mis trop de temps à arriver et rien n’a été enregistré. Réessayez, si possible avec une meilleure connexion.' },
    '500': { title: 'Erreur', body: 'Une erreur est survenue de notre côté. Rien de ce qui était enregistré n’est perdu ; réessayez dans un instant.' },
    '503': { title: 'Service momentanément indisponible', body: 'La base de données ne répond pas pour l’instant. Réessayez dans quelques instants : rien n’est perdu.' },
  },
};

export type Messages = typeof fr;
