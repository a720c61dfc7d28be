# language: da
Egenskab: Den indbyggede models adfærd
  Som fagperson på jobcentret
  vil jeg vide, hvad forslaget altid gør, hvad der aldrig ændrer det, og i hvilken retning det
  bevæger sig, når borgerens situation ændrer sig,
  så jeg kan stole på forslaget uden at læse modellens kode.
  Scenarierne køres mod den indbyggede model og standardreglerne. "Chancen" er modellens estimat,
  en sammenhæng lært fra tidligere borgere, ikke en virkning af tilbuddet.

  # --- Mindstekrav -------------------------------------------------------------------------------

  Scenarie: En jobparat borger med fleksibelt jobmål får virksomhedspraktik eller løntilskud først
    Givet en jobparat borger med fleksibelt jobmål
    Når anbefalingen beregnes
    Så er typologien "Fleksibelt jobmål"
    Og er det første tilbud "virksomhedspraktik" eller "løntilskud"

  Scenarie: Alle fire tilbud vises, og chancerne for hvert tilbud summer til 100 %
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så vises alle fire tilbud i en rangordning
    Og summer chancerne for hvert tilbud til 100 %

  Scenarie: Andelene "bedst i modellens genberegninger" summer til 100 % over de anbefalede tilbud
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så summer andelene for de anbefalede tilbud til 100 %
    Og har tilbud, der ikke anbefales, andelen 0 %

  Scenarie: Et estimat med lidt erfaring rangeres aldrig over et anbefalet tilbud med tilstrækkelig erfaring
    Givet en borger med standardoplysninger
    Og borgerens "jobmålets niveau" er "uklart"
    Når anbefalingen beregnes
    Så kommer alle anbefalede tilbud med tilstrækkelig erfaring før anbefalede tilbud med lidt erfaring

  Scenarie: En borger, der ikke ønsker arbejde, får hverken løntilskud eller virksomhedspraktik anbefalet
    Givet en borger med standardoplysninger
    Og borgerens "ønsker overordnet set at komme i arbejde" er "nej"
    Når anbefalingen beregnes
    Så anbefales "løntilskud" ikke
    Og anbefales "virksomhedspraktik" ikke
    Og er det første tilbud "rådgivning" eller "afklaringsforløb"

  Scenarie: Vurderingen øverst følger andelen for det første tilbud
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så siger vurderingen "Klart førstevalg", når det første tilbud er bedst i mindst 60 % af genberegningerne, og ellers "Ingen klar forskel"

  Scenarie: Begrundelserne nævner hverken kommune eller opholdstid
    Givet en borger med standardoplysninger
    Og borgerens "kommune" er "Rødovre"
    Og borgerens "opholdsanciennitet (år)" er "25"
    Når anbefalingen beregnes
    Så nævner ingen begrundelse "kommune" eller "opholdsanciennitet"

  # --- Invarians: dette ændrer intet ------------------------------------------------------------

  Abstrakt Scenario: <felt> ændrer intet i forslaget
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Og borgerens "<felt>" ændres til "<værdi>"
    Så er rangordningen, chancerne og andelene uændrede

    Eksempler:
      | felt        | værdi        |
      | borger-id   | P500-9999    |
      | køn         | mand         |
      | køn         | kvinde       |
      | vestlig / ikke-vestlig oprindelse | vestlig      |
      | vestlig / ikke-vestlig oprindelse | ikke-vestlig |
      | nationalitet | Syrien      |

  # --- Retning: dette må aldrig gå den forkerte vej ---------------------------------------------

  Abstrakt Scenario: At opfylde ét kriterium mere sænker aldrig chancen for job ved <tilbud>
    Givet en borger med standardoplysninger
    Og borgerens "<kriterium>" er "delvist"
    Når anbefalingen beregnes
    Og borgerens "<kriterium>" ændres til "ja"
    Så falder chancen for "ordinær beskæftigelse" ved "<tilbud>" ikke

    Eksempler:
      | kriterium                                                 | tilbud             |
      | er aktivt jobsøgende                                      | løntilskud         |
      | er aktivt jobsøgende                                      | virksomhedspraktik |
      | er geografisk mobil                                       | løntilskud         |
      | er geografisk mobil                                       | virksomhedspraktik |
      | søger bredt ift. alle rimelige job                        | løntilskud         |
      | søger bredt ift. alle rimelige job                        | virksomhedspraktik |

  Scenarie: En uddannelsesplan sænker aldrig chancen for uddannelse efter afklaringsforløb
    Givet en borger med standardoplysninger
    Og borgerens "jobmålets niveau" er "faglært"
    Når anbefalingen beregnes
    Og borgerens "har en uddannelsesplan" ændres til "ja"
    Så falder chancen for "uddannelse på ordinære vilkår" ved "afklaringsforløb" ikke

  Scenarie: Et faglært jobmål i stedet for et ufaglært sænker aldrig chancen for uddannelse efter afklaringsforløb
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Og borgerens "jobmålets niveau" ændres til "faglært"
    Så falder chancen for "uddannelse på ordinære vilkår" ved "afklaringsforløb" ikke

  Scenarie: Et fleksibelt, jobparat jobmål giver en større chance for job ved virksomhedspraktik end ved afklaringsforløb
    Givet en jobparat borger med fleksibelt jobmål
    Når anbefalingen beregnes
    Så er chancen for "ordinær beskæftigelse" ved "virksomhedspraktik" større end ved "afklaringsforløb"
